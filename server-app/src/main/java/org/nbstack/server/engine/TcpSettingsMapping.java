package org.nbstack.server.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nbstack.config.TcpSettings;
import org.nbstack.tcp.core.TcpConfig;

/**
 * {@link TcpSettings} onto the engine's {@link TcpConfig}, by name: every component of {@code TcpSettings} feeds the
 * {@link TcpConfig.Builder} setter of the same name, and every component of a nested settings record feeds the setter
 * named after both ({@code keepAlive.idle} feeds {@code keepAliveIdle}, its {@code enabled} feeds {@code keepAlive}).
 * So the list of TCP keys lives in {@code TcpSettings} (and the engine's own record) only, not a third time here: a
 * key added to both is mapped, and a key added to one side only stops the server at start-up (and its test) with the
 * name that has no counterpart. Values pass as they are; an enum becomes the engine's enum of the same constant name.
 */
final class TcpSettingsMapping {
    /** One settings component (or nested component) and the builder setter it feeds. */
    private record Feed(RecordComponent component, RecordComponent nested, Method setter) {
        Object value(TcpSettings settings) throws ReflectiveOperationException {
            Object value = component.getAccessor().invoke(settings);
            return nested == null ? value : nested.getAccessor().invoke(value);
        }
    }

    private static final List<Feed> FEEDS = feeds();

    private TcpSettingsMapping() {
    }

    static TcpConfig tcpConfig(TcpSettings settings) {
        TcpConfig.Builder builder = TcpConfig.builder();
        try {
            for (Feed feed : FEEDS) {
                feed.setter().invoke(builder, convert(feed.value(settings), feed.setter().getParameterTypes()[0]));
            }
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot map engine.tcp onto the engine's TcpConfig", e);
        }
        return builder.build();
    }

    /** The names of the builder setters the settings feed; the test checks that none of the engine's is left out. */
    static List<String> fedSetters() {
        return FEEDS.stream().map(f -> f.setter().getName()).toList();
    }

    private static List<Feed> feeds() {
        List<Feed> feeds = new ArrayList<>();
        for (RecordComponent component : TcpSettings.class.getRecordComponents()) {
            if (component.getType().isRecord()) {
                for (RecordComponent nested : component.getType().getRecordComponents()) {
                    String name = nested.getName().equals("enabled") ? component.getName()
                            : component.getName() + Character.toUpperCase(nested.getName().charAt(0)) + nested.getName().substring(1);
                    feeds.add(new Feed(component, nested, setter(name, nested.getType())));
                }
            } else {
                feeds.add(new Feed(component, null, setter(component.getName(), component.getType())));
            }
        }
        return List.copyOf(feeds);
    }

    private static Method setter(String name, Class<?> valueType) {
        for (Method m : TcpConfig.Builder.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1 && Modifier.isPublic(m.getModifiers())
                    && accepts(m.getParameterTypes()[0], valueType)) {
                return m;
            }
        }
        throw new IllegalStateException("engine.tcp setting '" + name + "' (" + valueType.getSimpleName()
                + ") has no TcpConfig.Builder." + name + " to feed; add it to the engine's TcpConfig too");
    }

    private static boolean accepts(Class<?> parameter, Class<?> value) {
        return parameter == value || parameter.isEnum() && value.isEnum();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(Object value, Class<?> parameter) {
        if (parameter.isEnum() && value instanceof Enum<?> e && e.getDeclaringClass() != parameter) {
            return Enum.valueOf((Class) parameter, e.name().toUpperCase(Locale.ROOT));
        }
        return value;
    }
}
