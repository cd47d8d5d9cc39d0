package org.nbstack.tcp.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TUN device through FFM on its own: creation, naming, MTU, non-blocking reads, removal on close,
 * and the errors a user meets (busy name, bad name). Sends nothing: the device stays down and
 * unaddressed in the test's namespace.
 */
class TunDeviceTest {
    private static int sequence;

    @BeforeEach
    void requireTun() {
        assumeTrue(NativePlatform.isSupported(), () -> "skipped: " + NativePlatform.unsupportedReason());
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "skipped: /dev/net/tun is missing");
        assumeTrue(isRoot(), "skipped: creating TUN devices needs CAP_NET_ADMIN (run as root)");
    }

    private static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String uniqueName() {
        return "nbtd" + ProcessHandle.current().pid() % 100000 + "x" + ++sequence;
    }

    @Test
    void createsTheNamedDeviceAndRemovesItOnClose() throws Exception {
        String name = uniqueName();
        Path sys = Path.of("/sys/class/net", name);
        try (TunDevice tun = TunDevice.open(name)) {
            assertThat(tun.name()).isEqualTo(name);
            assertThat(tun.fd()).isGreaterThan(2);
            assertThat(sys).exists();
            assertThat(Files.readString(sys.resolve("tun_flags")).trim()).isEqualTo("0x1001"); // IFF_TUN | IFF_NO_PI
        }
        assertThat(sys).doesNotExist();
    }

    @Test
    void anEmptyNameLetsTheKernelChoose() throws Exception {
        try (TunDevice tun = TunDevice.open("")) {
            assertThat(tun.name()).startsWith("tun");
        }
    }

    @Test
    void mtuCanBeSetUpToTheIpv4Maximum() throws Exception {
        try (TunDevice tun = TunDevice.open(uniqueName())) {
            assertThat(tun.mtu()).isEqualTo(1500);
            tun.setMtu(TunDevice.MAX_MTU);
            assertThat(tun.mtu()).isEqualTo(65535);
            tun.setMtu(9000);
            assertThat(tun.mtu()).isEqualTo(9000);
            assertThatThrownBy(() -> tun.setMtu(65536)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aReadWithNothingWaitingReturnsAtOnce() throws Exception {
        try (TunDevice tun = TunDevice.open(uniqueName())) {
            ByteBuf buf = Unpooled.directBuffer(2048);
            try {
                assertThat(tun.read(buf)).isEqualTo(-1);
                assertThat(buf.writerIndex()).isZero();
            } finally {
                buf.release();
            }
            try (FdPoller poller = new FdPoller(tun.fd())) {
                long start = System.nanoTime();
                assertThat(poller.await(20)).as("readable").isFalse();
                assertThat(System.nanoTime() - start).isGreaterThan(15_000_000L);
                poller.wakeup();
                start = System.nanoTime();
                assertThat(poller.await(5_000)).isFalse();
                assertThat(System.nanoTime() - start).as("woken at once").isLessThan(1_000_000_000L);
            }
        }
    }

    @Test
    void aSecondOpenOfABusyNameSaysSo() throws Exception {
        String name = uniqueName();
        try (TunDevice first = TunDevice.open(name)) {
            assertThatThrownBy(() -> TunDevice.open(name)).isInstanceOf(TunException.class)
                    .hasMessageContaining("'" + name + "' is busy").hasMessageContaining("EBUSY")
                    .satisfies(e -> assertThat(((TunException) e).errno()).isEqualTo(Errno.EBUSY));
        }
    }

    @Test
    void namesLongerThanIfnamsizAreRefusedBeforeAnySystemCall() {
        assertThatThrownBy(() -> TunDevice.open("a-name-too-long-for-linux"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IFNAMSIZ");
    }

    @Test
    void usingAClosedDeviceFailsClearly() throws Exception {
        TunDevice tun = TunDevice.open(uniqueName());
        tun.close();
        tun.close(); // idempotent
        ByteBuf buf = Unpooled.directBuffer(64);
        try {
            assertThatThrownBy(() -> tun.read(buf)).isInstanceOf(TunException.class).hasMessageContaining("closed");
        } finally {
            buf.release();
        }
    }
}
