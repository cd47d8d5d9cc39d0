package org.nbstack.netbios.session;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;

/**
 * Serves one established session: reads {@link NetbiosSession#inbound()} and returns the messages to send.
 * The session ends when the returned publisher completes (after its messages are written) or fails.
 * Called on the session's event loop: it must not block. For example, an echo service:
 *
 * <pre>{@code SessionHandler echo = session -> session.inbound();}</pre>
 */
@FunctionalInterface
public interface SessionHandler {

    Publisher<? extends ByteBuf> handle(NetbiosSession session);
}
