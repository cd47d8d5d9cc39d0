package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Serial arithmetic (RFC 1982) behaves the same wherever in the 32-bit space the numbers sit. */
class SeqPropertiesTest {

    /** Sequence numbers clustered at the places where wrong arithmetic breaks: 0, 2^31 and 2^32 - 1. */
    @Provide
    Arbitrary<Integer> edges() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-5000, 5000),                               // around 0 and 2^32 - 1
                Arbitraries.integers().between(Integer.MAX_VALUE - 5000, Integer.MAX_VALUE), // just below 2^31
                Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MIN_VALUE + 5000), // 2^31 and above
                Arbitraries.integers());
    }

    @Property
    void aNumberIsBeforeEverythingWithinHalfTheSpaceAfterIt(@ForAll("edges") int a,
            @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int distance) {
        int b = a + distance; // wraps modulo 2^32
        assertThat(Seq.lt(a, b)).isTrue();
        assertThat(Seq.le(a, b)).isTrue();
        assertThat(Seq.gt(b, a)).isTrue();
        assertThat(Seq.ge(b, a)).isTrue();
        assertThat(Seq.gt(a, b)).isFalse();
        assertThat(Seq.diff(a, b)).isEqualTo(distance);
        assertThat(Seq.max(a, b)).isEqualTo(b);
        assertThat(Seq.min(a, b)).isEqualTo(a);
    }

    @Property
    void comparisonIsShiftInvariant(@ForAll("edges") int a, @ForAll("edges") int b, @ForAll int shift) {
        assertThat(Seq.lt(a + shift, b + shift)).isEqualTo(Seq.lt(a, b));
        assertThat(Seq.le(a + shift, b + shift)).isEqualTo(Seq.le(a, b));
        assertThat(Seq.inWindow(a + shift, b + shift, b + shift + 1000)).isEqualTo(Seq.inWindow(a, b, b + 1000));
    }

    @Property
    void windowTestMatchesADistanceCheck(@ForAll("edges") int left, @ForAll @IntRange(min = 0, max = 1 << 30) int size,
            @ForAll @IntRange(min = -100_000, max = 100_000) int offset) {
        int x = left + offset;
        boolean expected = offset >= 0 && offset < size;
        assertThat(Seq.inWindow(x, left, left + size)).isEqualTo(expected);
        assertThat(Seq.between(x, left, left + size)).isEqualTo(offset >= 0 && offset <= size);
    }

    @Property
    void exactlyOneOfLessEqualOrGreaterHolds(@ForAll("edges") int a, @ForAll("edges") int b) {
        int holds = (Seq.lt(a, b) ? 1 : 0) + (a == b ? 1 : 0) + (Seq.gt(a, b) ? 1 : 0);
        assertThat(holds).isEqualTo(1);
    }
}
