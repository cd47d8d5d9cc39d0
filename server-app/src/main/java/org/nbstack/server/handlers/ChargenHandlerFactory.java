package org.nbstack.server.handlers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Map;
import org.nbstack.netbios.session.SessionHandler;
import reactor.core.publisher.Flux;

/**
 * {@code chargen}: sends RFC 864's rotating pattern of printable characters in messages of {@code message-size}
 * octets, as fast as the caller reads: a message is made only when the session's outbound queue has room.
 * Whatever the caller sends is read and dropped.
 */
public final class ChargenHandlerFactory implements SessionHandlerFactory {

    static final String MESSAGE_SIZE = "message-size";
    private static final int LINE = 72;
    private static final int PRINTABLE = 95; // ' ' .. '~'

    @Override
    public String name() {
        return "chargen";
    }

    @Override
    public String description() {
        return "sends a character pattern as fast as the caller reads (option message-size, default 1024)";
    }

    @Override
    public SessionHandler create(Map<String, String> options) {
        Options.rejectAllBut(name(), options, MESSAGE_SIZE);
        int size = Options.integer(name(), options, MESSAGE_SIZE, 1024, 1, 131_071);
        return session -> {
            session.inbound().subscribe(ByteBuf::release);
            long[] position = {0};
            return Flux.<ByteBuf>generate(sink -> sink.next(pattern(size, position)))
                    .takeUntilOther(session.onClose());
        };
    }

    /** The next {@code size} octets of the pattern: lines of 72 characters, each starting one character later. */
    private static ByteBuf pattern(int size, long[] position) {
        ByteBuf message = ByteBufAllocator.DEFAULT.buffer(size);
        for (int i = 0; i < size; i++) {
            long p = position[0]++;
            long line = p / (LINE + 2);
            int column = (int) (p % (LINE + 2));
            if (column == LINE) {
                message.writeByte('\r');
            } else if (column == LINE + 1) {
                message.writeByte('\n');
            } else {
                message.writeByte(' ' + (int) ((line + column) % PRINTABLE));
            }
        }
        return message;
    }
}
