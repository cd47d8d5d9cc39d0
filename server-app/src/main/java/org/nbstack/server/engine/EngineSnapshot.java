package org.nbstack.server.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nbstack.tcp.core.TcpCounters;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.stack.ConnectionInfo;
import org.nbstack.tcp.stack.StackCounters;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.DropReason;

/**
 * An immutable picture of the engine at one moment: netstat rows, TIME_WAIT table use, and every counter of
 * {@link TcpCounters}, {@link StackCounters} and the drop counters, by field name.
 *
 * @param counters e.g. {@code retransmittedSegments -> 12}, {@code timeWaitOverflows -> 0}
 */
public record EngineSnapshot(List<ConnectionInfo> connections, int timeWaitEntries, int timeWaitLimit,
        Map<String, Long> counters, Map<DropReason, Long> drops) {

    public EngineSnapshot {
        connections = List.copyOf(connections);
        counters = Map.copyOf(counters);
        drops = Map.copyOf(drops);
    }

    public static EngineSnapshot empty() {
        return new EngineSnapshot(List.of(), 0, 0, Map.of(), Map.of());
    }

    /** The snapshot of one shard. Call it on the shard's own thread: the stack is not thread-safe. */
    public static EngineSnapshot of(TcpStack stack) {
        Map<String, Long> counters = new LinkedHashMap<>();
        readLongFields(stack.tcpCounters(), counters);
        readLongFields(stack.counters(), counters);
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, stack.drops().get(reason));
        }
        return new EngineSnapshot(stack.netstat(), stack.timeWaitCount(), stack.config().timeWaitLimit(), counters, drops);
    }

    /** The engine-wide snapshot of several shards: rows concatenated, counts and counters summed. */
    public static EngineSnapshot merge(List<EngineSnapshot> shards) {
        List<ConnectionInfo> rows = new ArrayList<>();
        Map<String, Long> counters = new LinkedHashMap<>();
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        int timeWait = 0;
        int limit = 0;
        for (EngineSnapshot shard : shards) {
            rows.addAll(shard.connections);
            timeWait += shard.timeWaitEntries;
            limit += shard.timeWaitLimit;
            shard.counters.forEach((name, value) -> counters.merge(name, value, Long::sum));
            shard.drops.forEach((reason, value) -> drops.merge(reason, value, Long::sum));
        }
        return new EngineSnapshot(rows, timeWait, limit, counters, drops);
    }

    /** Connections per state; LISTEN counts listeners. Every state is present. */
    public Map<TcpState, Integer> states() {
        Map<TcpState, Integer> states = new EnumMap<>(TcpState.class);
        for (TcpState state : TcpState.values()) {
            states.put(state, 0);
        }
        for (ConnectionInfo row : connections) {
            states.merge(row.state(), 1, Integer::sum);
        }
        return states;
    }

    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    // The counters classes are plain public long fields written by the shard; reading them by reflection keeps
    // every counter the engine adds visible without a list to maintain here.
    private static void readLongFields(Object counters, Map<String, Long> into) {
        for (Field field : counters.getClass().getFields()) {
            if (field.getType() == long.class && !Modifier.isStatic(field.getModifiers())) {
                try {
                    into.put(field.getName(), field.getLong(counters));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read engine counter " + field, e);
                }
            }
        }
    }
}
