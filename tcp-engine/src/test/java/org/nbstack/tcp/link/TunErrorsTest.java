package org.nbstack.tcp.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The messages for failures that cannot be provoked as root on a working machine. */
class TunErrorsTest {

    @Test
    void missingPrivilegeNamesTheCapability() {
        TunException e = TunDevice.setIffFailure("tun7", Errno.EPERM);
        assertThat(e).hasMessageContaining("CAP_NET_ADMIN").hasMessageContaining("EPERM: Operation not permitted");
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(TunDevice.openFailure(Errno.EACCES)).hasMessageContaining("CAP_NET_ADMIN");
    }

    @Test
    void missingDeviceNodeSaysHowToGetIt() {
        assertThat(TunDevice.openFailure(Errno.ENOENT)).hasMessageContaining("/dev/net/tun is missing")
                .hasMessageContaining("modprobe tun").hasMessageContaining("ENOENT");
    }

    @Test
    void busyNameSaysAnotherProcessHasIt() {
        assertThat(TunDevice.setIffFailure("tun7", Errno.EBUSY)).hasMessageContaining("'tun7' is busy")
                .hasMessageContaining("EBUSY: Device or resource busy");
    }

    @Test
    void errnoNamesAreTheCOnes() {
        assertThat(Errno.name(Errno.EAGAIN)).isEqualTo("EAGAIN");
        assertThat(Errno.name(4242)).isEqualTo("errno 4242");
    }

    @Test
    void platformCheckNamesWhatIsNeeded() {
        if (NativePlatform.isSupported()) {
            assertThat(NativePlatform.unsupportedReason()).isNull();
        } else {
            assertThat(NativePlatform.unsupportedReason()).contains("Linux");
        }
    }
}
