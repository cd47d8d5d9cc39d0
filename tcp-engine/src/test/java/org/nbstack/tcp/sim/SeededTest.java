package org.nbstack.tcp.sim;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The test a {@link SimSeeds} run belongs to, named the way {@code -Dtest=} wants it, and the command that
 * replays one of its seeds.
 */
record SeededTest(String module, String testClass, String method) {
    private static final Set<String> TEST_ANNOTATIONS = Set.of("org.junit.jupiter.api.Test",
            "org.junit.jupiter.api.RepeatedTest", "org.junit.jupiter.params.ParameterizedTest",
            "org.junit.jupiter.api.TestTemplate", "net.jqwik.api.Property", "net.jqwik.api.Example");
    private static final String DEFAULT_MODULE = "tcp-engine";

    static SeededTest of(Class<?> testClass, String method) {
        return new SeededTest(currentModule(), binarySimpleName(testClass), method);
    }

    /**
     * The test method that called into {@code entry}: the nearest caller annotated as a JUnit or jqwik test,
     * else the nearest caller outside {@code entry}.
     */
    static SeededTest callerOf(Class<?> entry) {
        StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
        Optional<StackWalker.StackFrame> annotated = walker.walk(frames -> frames
                .filter(f -> f.getDeclaringClass() != entry)
                .filter(f -> isTestMethod(f.getDeclaringClass(), f.getMethodName()))
                .findFirst());
        StackWalker.StackFrame frame = annotated.orElseGet(() -> walker.walk(frames -> frames
                .filter(f -> f.getDeclaringClass() != entry && f.getDeclaringClass() != SeededTest.class)
                .findFirst()
                .orElseThrow()));
        return of(frame.getDeclaringClass(), frame.getMethodName());
    }

    /** The one command that reruns exactly {@code seed} of this test with the full trace written to a file. */
    String replayCommand(long seed) {
        return "bin/test -pl " + module + " -am -Dtest='" + testClass + "#" + method + "' -D" + SimSeeds.SEED_PROPERTY
                + "=" + seed + " -D" + SimSeeds.TRACE_PROPERTY + "=true -Dsurefire.failIfNoSpecifiedTests=false";
    }

    private static boolean isTestMethod(Class<?> type, String name) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                for (Annotation a : m.getAnnotations()) {
                    if (TEST_ANNOTATIONS.contains(a.annotationType().getName())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Surefire runs tests in the module's folder: its name is the {@code -pl} argument. */
    private static String currentModule() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path parent = dir.getParent();
        boolean isModule = Files.exists(dir.resolve("pom.xml")) && parent != null && Files.exists(parent.resolve("pom.xml"));
        return isModule ? dir.getFileName().toString() : DEFAULT_MODULE;
    }

    /** "Outer$Inner" for a nested class, which is how surefire matches it. */
    private static String binarySimpleName(Class<?> type) {
        String name = type.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
