package org.nbstack.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.wire.WireTestSupport.hex;
import static org.nbstack.tcp.wire.WireTestSupport.ipChecksumVerifies;
import static org.nbstack.tcp.wire.WireTestSupport.onesComplementSum;
import static org.nbstack.tcp.wire.WireTestSupport.putShort;
import static org.nbstack.tcp.wire.WireTestSupport.tcpChecksumVerifies;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Packets captured from a real Linux kernel (6.18), decoded field by field and re-encoded byte for byte.
 *
 * <p>TUN_* vectors: {@code src/test/captures/linux_tun_capture.py}, run as root under {@code unshare -n}.
 * A plain socket connects from 10.9.0.1:52000 to 10.9.0.2:139 through a TUN device opened without
 * TUNSETOFFLOAD; the script reads what the kernel writes to the device and plays the peer. Without
 * offload the kernel computes the full IP and TCP checksums in software; the script verified them with
 * its own one's-complement sum before these bytes were pasted here.
 *
 * <p>LOOPBACK_* vectors: {@code src/test/captures/linux_loopback_capture.py}, an AF_PACKET socket on
 * {@code lo} in a private namespace while a socket connects 127.0.0.1:51000 to 127.0.0.1:40139. Loopback
 * offloads the TCP checksum (CHECKSUM_PARTIAL), so the field holds only the folded pseudo-header sum; the
 * IP header checksum is complete. The RST to a closed port is the exception: the kernel checksums it in
 * full (ip_send_unicast_reply).
 */
class LinuxCaptureTest {
    private static final String TUN_SYN = "4500003c02d84000400623d00a0900010a090002cb20008b8cfe14c100000000a002faf0"
            + "3cc60000020405b40402080ae2edabd8000000000103030a";
    private static final String TUN_ACK = "4500003402d94000400623d70a0900010a090002cb20008b8cfe14c29d2c0002801000"
            + "3fc52000000101080ae2edabd8000003e8";
    private static final String TUN_DATA = "4500005a02da4000400623b00a0900010a090002cb20008b8cfe14c29d2c0002801800"
            + "3f605c00000101080ae2edabd8000003e86e62737461636b2074756e20636170747572653a2068656c6c6f2066726f6d204c"
            + "696e75780a";
    /** The kernel's duplicate ACK for out-of-order data from the peer: timestamps and one SACK block. */
    private static final String TUN_SACK = "4500004002db4000400623c90a0900010a090002cb20008b8cfe14e89d2c0002b01000"
            + "3f538c00000101080ae2edabd8000003e80101050a9d2c00669d2c0098";
    private static final String LOOPBACK_SYN = "4500003c892740004006b3927f0000017f000001c7389ccbe77233ab00000000a0"
            + "02ffd7fe3000000204ffd70402080a074ba8f5000000000103030a";
    private static final String LOOPBACK_DATA = "4500005c892940004006b3707f0000017f000001c7389ccbe77233aca7347ae980"
            + "180040fe5000000101080a074ba8f5eccf929d6e62737461636b206c6f6f706261636b20636170747572653a2068656c6c"
            + "6f2c204c696e7578210a";
    private static final String LOOPBACK_RST = "450000280000400040063cce7f0000017f0000019cccc73900000000f950df5350"
            + "14000075230000";

    private static final int TUN_HOST = Ipv4.parse("10.9.0.1");
    private static final int TUN_PEER = Ipv4.parse("10.9.0.2");
    private static final int LOOPBACK = Ipv4.parse("127.0.0.1");
    private static final int TS_VAL = 0xe2edabd8;

    @Test
    void linuxSynDecodesToItsFields() {
        TcpSegment syn = decode(hex(TUN_SYN));
        assertThat(syn.srcAddr).isEqualTo(TUN_HOST);
        assertThat(syn.dstAddr).isEqualTo(TUN_PEER);
        assertThat(syn.srcPort).isEqualTo(52000);
        assertThat(syn.dstPort).isEqualTo(139);
        assertThat(syn.seq).isEqualTo(0x8cfe14c1);
        assertThat(syn.ack).isZero();
        assertThat(syn.flags).isEqualTo(TcpFlags.SYN);
        assertThat(syn.window).isEqualTo(64240);
        assertThat(syn.options).isEqualTo(new TcpOptions(1460, 10, true, true, TS_VAL, 0, new int[0]));
        assertThat(syn.payloadLength()).isZero();
        assertThat(syn.toString()).isEqualTo("10.9.0.1.52000 > 10.9.0.2.139: Flags [S], seq 2365461697, win 64240,"
                + " options [mss 1460,sackOK,TS val 3807226840 ecr 0,wscale 10], length 0");
    }

    @Test
    void linuxAckDecodesToItsFields() {
        TcpSegment ack = decode(hex(TUN_ACK));
        assertThat(ack.seq).isEqualTo(0x8cfe14c2);
        assertThat(ack.ack).isEqualTo(0x9d2c0002);
        assertThat(ack.flags).isEqualTo(TcpFlags.ACK);
        assertThat(ack.window).isEqualTo(63);
        assertThat(ack.options).isEqualTo(TcpOptions.timestamps(TS_VAL, 1000));
    }

    @Test
    void linuxDataSegmentDecodesToItsFieldsAndPayload() {
        TcpSegment data = decode(hex(TUN_DATA));
        try {
            assertThat(data.srcPort).isEqualTo(52000);
            assertThat(data.dstPort).isEqualTo(139);
            assertThat(data.seq).isEqualTo(0x8cfe14c2);
            assertThat(data.ack).isEqualTo(0x9d2c0002);
            assertThat(data.flags).isEqualTo(TcpFlags.PSH | TcpFlags.ACK);
            assertThat(data.window).isEqualTo(63);
            assertThat(data.options).isEqualTo(TcpOptions.timestamps(TS_VAL, 1000));
            assertThat(data.payload.toString(StandardCharsets.US_ASCII)).isEqualTo("nbstack tun capture: hello from Linux\n");
        } finally {
            data.release();
        }
    }

    @Test
    void linuxSackAckDecodesToItsFields() {
        TcpSegment sack = decode(hex(TUN_SACK));
        assertThat(sack.seq).isEqualTo(0x8cfe14e8);
        assertThat(sack.ack).isEqualTo(0x9d2c0002);
        assertThat(sack.flags).isEqualTo(TcpFlags.ACK);
        assertThat(sack.options).isEqualTo(TcpOptions.timestamps(TS_VAL, 1000).withSack(new int[] {0x9d2c0066, 0x9d2c0098}));
    }

    @ParameterizedTest
    @ValueSource(strings = {TUN_SYN, TUN_ACK, TUN_DATA, TUN_SACK, LOOPBACK_RST})
    void kernelChecksumsVerifyWithTheReferenceSumAndTheCodec(String vector) {
        byte[] packet = hex(vector);
        assertThat(ipChecksumVerifies(packet)).isTrue();
        assertThat(tcpChecksumVerifies(packet)).isTrue();
        int tcpLength = packet.length - 20;
        ByteBuf buf = Unpooled.wrappedBuffer(packet);
        long sum = Checksum.add(Checksum.pseudoHeader(buf.getInt(12), buf.getInt(16), tcpLength), buf, 20, tcpLength);
        assertThat(Checksum.verifies(sum)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {TUN_SYN, TUN_ACK, TUN_DATA, TUN_SACK})
    void reEncodingGivesLinuxsBytesExceptTheIpId(String vector) {
        byte[] linux = hex(vector);
        TcpSegment decoded = decode(linux);
        try {
            byte[] ours = PacketCodecTest.encoded(decoded);
            assertThat(ours).hasSize(linux.length);
            assertThat(hex(Arrays.copyOfRange(ours, 20, ours.length))).as("TCP header, options and checksum")
                    .isEqualTo(hex(Arrays.copyOfRange(linux, 20, linux.length)));
            byte[] linuxIpWithIdZero = Arrays.copyOf(linux, 20);
            putShort(linuxIpWithIdZero, 4, 0); // Linux numbers its DF packets; the engine sends ID 0
            putShort(linuxIpWithIdZero, 10, 0);
            putShort(linuxIpWithIdZero, 10, ~onesComplementSum(linuxIpWithIdZero));
            assertThat(hex(Arrays.copyOf(ours, 20))).isEqualTo(hex(linuxIpWithIdZero));
        } finally {
            decoded.release();
        }
    }

    @Test
    void loopbackSynCarriesThePseudoHeaderSumWhereTheChecksumGoes() {
        byte[] packet = hex(LOOPBACK_SYN);
        assertThat(ipChecksumVerifies(packet)).isTrue();
        int field = (packet[36] & 0xff) << 8 | packet[37] & 0xff;
        assertThat(field).as("Linux's partial checksum is our pseudo-header sum")
                .isEqualTo(Checksum.fold(Checksum.pseudoHeader(LOOPBACK, LOOPBACK, packet.length - 20)));

        ByteBuf offloaded = Unpooled.wrappedBuffer(packet);
        DropCounters drops = new DropCounters();
        assertThat(PacketCodec.decode(offloaded, drops)).as("a partial checksum does not verify").isNull();
        assertThat(drops.get(DropReason.BAD_TCP_CHECKSUM)).isEqualTo(1);
        offloaded.release();

        TcpSegment syn = decode(completedLikeANic(packet));
        assertThat(syn.srcAddr).isEqualTo(LOOPBACK);
        assertThat(syn.dstAddr).isEqualTo(LOOPBACK);
        assertThat(syn.srcPort).isEqualTo(51000);
        assertThat(syn.dstPort).isEqualTo(40139);
        assertThat(syn.seq).isEqualTo(0xe77233ab);
        assertThat(syn.flags).isEqualTo(TcpFlags.SYN);
        assertThat(syn.window).isEqualTo(65495);
        assertThat(syn.options).isEqualTo(new TcpOptions(65495, 10, true, true, 0x074ba8f5, 0, new int[0]));
    }

    @Test
    void loopbackDataSegmentDecodesOnceItsChecksumIsCompleted() {
        byte[] packet = hex(LOOPBACK_DATA);
        assertThat(ipChecksumVerifies(packet)).isTrue();
        TcpSegment data = decode(completedLikeANic(packet));
        try {
            assertThat(data.seq).isEqualTo(0xe77233ac);
            assertThat(data.ack).isEqualTo(0xa7347ae9);
            assertThat(data.flags).isEqualTo(TcpFlags.PSH | TcpFlags.ACK);
            assertThat(data.window).isEqualTo(64);
            assertThat(data.options).isEqualTo(TcpOptions.timestamps(0x074ba8f5, 0xeccf929d));
            assertThat(data.payload.toString(StandardCharsets.US_ASCII))
                    .isEqualTo("nbstack loopback capture: hello, Linux!\n");
        } finally {
            data.release();
        }
    }

    @Test
    void loopbackResetToAClosedPortDecodes() {
        TcpSegment rst = decode(hex(LOOPBACK_RST));
        assertThat(rst.srcPort).isEqualTo(40140);
        assertThat(rst.dstPort).isEqualTo(51001);
        assertThat(rst.seq).isZero();
        assertThat(rst.ack).isEqualTo(0xf950df53);
        assertThat(rst.flags).isEqualTo(TcpFlags.RST | TcpFlags.ACK);
        assertThat(rst.window).isZero();
        assertThat(rst.options).isSameAs(TcpOptions.NONE);
    }

    /**
     * Finishes a CHECKSUM_PARTIAL packet as the NIC would: the sum of the TCP bytes, pseudo-header sum in
     * the field included, complemented into the field.
     */
    private static byte[] completedLikeANic(byte[] packet) {
        byte[] completed = packet.clone();
        int sum = onesComplementSum(Arrays.copyOfRange(completed, 20, completed.length));
        putShort(completed, 36, ~sum);
        return completed;
    }

    private static TcpSegment decode(byte[] bytes) {
        ByteBuf packet = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        DropCounters drops = new DropCounters();
        TcpSegment segment = PacketCodec.decode(packet, drops);
        packet.release(); // a payload slice keeps what it needs
        assertThat(WireTestSupport.counted(drops)).isEmpty();
        assertThat(segment).isNotNull();
        return segment;
    }
}
