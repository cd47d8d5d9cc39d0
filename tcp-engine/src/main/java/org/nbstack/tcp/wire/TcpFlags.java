package org.nbstack.tcp.wire;

/** TCP header control bits (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
public final class TcpFlags {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private TcpFlags() {
    }

    /** tcpdump-style rendering: "S", "S.", "P.", "F.", "R", "." */
    public static String describe(int flags) {
        StringBuilder sb = new StringBuilder(4);
        if ((flags & SYN) != 0) sb.append('S');
        if ((flags & FIN) != 0) sb.append('F');
        if ((flags & RST) != 0) sb.append('R');
        if ((flags & PSH) != 0) sb.append('P');
        if ((flags & URG) != 0) sb.append('U');
        if ((flags & ACK) != 0) sb.append('.');
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
