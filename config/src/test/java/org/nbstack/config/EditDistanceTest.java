package org.nbstack.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EditDistanceTest {

    @Test
    void countsInsertionsDeletionsAndSubstitutions() {
        assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
        assertThat(EditDistance.between("", "abc")).isEqualTo(3);
        assertThat(EditDistance.between("same", "same")).isZero();
    }

    @Test
    void suggestsOnlyNearKeys() {
        List<String> keys = List.of("nbstack.admin.bind", "nbstack.admin.threads");
        assertThat(EditDistance.nearest("nbstack.admin.bnd", keys)).contains("nbstack.admin.bind");
        assertThat(EditDistance.nearest("nbstack.zzzzz.qqqqqqq", keys)).isEmpty();
    }
}
