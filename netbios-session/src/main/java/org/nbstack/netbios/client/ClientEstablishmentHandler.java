package org.nbstack.netbios.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.nbstack.netbios.codec.NegativeResponse;
import org.nbstack.netbios.codec.PositiveResponse;
import org.nbstack.netbios.codec.RetargetResponse;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.session.ChannelSession;
import org.nbstack.netbios.session.NetbiosSession;
import reactor.core.publisher.MonoSink;

/** Sends the SESSION REQUEST and turns the answer into a session, a typed refusal or a retarget (RFC 1002 §5.2.1.1). */
final class ClientEstablishmentHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "nbss-client-establishment";

    /** Internal signal: try again at another address. */
    static final class Retargeted extends RuntimeException {
        final RetargetResponse response;

        Retargeted(RetargetResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    private final ClientContext client;
    private final SessionRequest request;
    private final MonoSink<NetbiosSession> result;
    private long startNanos;
    private ScheduledFuture<?> responseTimeout;
    private boolean answered;

    ClientEstablishmentHandler(ClientContext client, SessionRequest request, MonoSink<NetbiosSession> result) {
        this.client = client;
        this.request = request;
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startNanos = ctx.executor().ticker().nanoTime(); // the loop's clock, virtual in a simulation
        Duration timeout = client.settings().responseTimeout();
        responseTimeout = ctx.executor().schedule(() -> fail(ctx, new NetbiosSessionException("no answer to the SESSION REQUEST for "
                + request.calledName() + " from " + ctx.channel().remoteAddress() + " within " + timeout)), timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.writeAndFlush(request);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answered) {
            ReferenceCountUtil.release(msg);
            return;
        }
        switch (msg) {
            case PositiveResponse positive -> {
                answered = true;
                responseTimeout.cancel(false);
                ChannelSession session = ChannelSession.establish(client.nextSessionId(), ChannelSession.Side.CLIENT, ctx.channel(), NAME,
                        request.calledName(), request.callingName(), client.settings().session(), client.metrics(), client.sessions(),
                        Duration.ofNanos(ctx.executor().ticker().nanoTime() - startNanos), () -> { });
                result.success(session);
            }
            case NegativeResponse negative -> {
                client.metrics().negativeResponse(negative.code().hex());
                fail(ctx, new NegativeSessionResponseException(negative.code(), request.calledName(), ctx.channel().remoteAddress()));
            }
            case RetargetResponse retarget -> {
                client.metrics().retarget();
                fail(ctx, new Retargeted(retarget));
            }
            default -> {
                ReferenceCountUtil.release(msg);
                fail(ctx, new NetbiosSessionException("the server answered the SESSION REQUEST with " + msg.getClass().getSimpleName()));
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!answered) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, new NetbiosSessionException("session set-up with " + ctx.channel().remoteAddress() + " failed: " + cause.getMessage(), cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, new NetbiosSessionException("the server closed the connection before answering the SESSION REQUEST"));
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, RuntimeException error) {
        if (answered) {
            return;
        }
        answered = true;
        if (responseTimeout != null) {
            responseTimeout.cancel(false);
        }
        ctx.close();
        result.error(error);
    }
}
