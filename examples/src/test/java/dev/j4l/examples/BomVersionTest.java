package dev.j4l.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * j4l-bom has no parent (importing it must pin nothing but j4l), so its version is written twice: it must stay
 * j4l-parent's, and the version these examples build against.
 */
class BomVersionTest {
    private static String find(Path pom, String regex) throws Exception {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(pom));
        if (!m.find()) throw new AssertionError(regex + " not found in " + pom);
        return m.group(1);
    }

    @Test
    void bomParentAndExamplesAgreeOnTheVersion() throws Exception {
        String parent = find(Path.of("../pom.xml"), "<artifactId>j4l-parent</artifactId>\\s*<version>([^<]+)</version>");
        assertEquals(parent, find(Path.of("../bom/pom.xml"), "<artifactId>j4l-bom</artifactId>\\s*<version>([^<]+)</version>"));
        assertEquals(parent, find(Path.of("pom.xml"), "<j4l.version>([^<]+)</j4l.version>"));
    }
}
