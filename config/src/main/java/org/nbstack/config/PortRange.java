package org.nbstack.config;

/** An inclusive range of ports, written {@code low-high}. */
public record PortRange(int low, int high) {

    @Override
    public String toString() {
        return low + "-" + high;
    }
}
