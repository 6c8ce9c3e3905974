package dev.j4l.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What this project gets from j4l's published artifacts, beyond classes: a BOM that names every library module at
 * j4l-parent's version, and the licence, in the poms and inside each jar.
 */
class PublishedMetadataTest {
    /** Reactor modules that are tools or tests of j4l, not libraries a driver depends on. */
    private static final Set<String> NOT_LIBRARIES = Set.of("bom", "cli", "adversary", "benchmarks");

    private static List<String> all(Path file, String regex) throws Exception {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
        List<String> found = new ArrayList<>();
        while (m.find()) found.add(m.group(1));
        if (found.isEmpty()) throw new AssertionError(regex + " not found in " + file);
        return found;
    }

    private static String first(Path file, String regex) throws Exception {
        return all(file, regex).getFirst();
    }

    /** j4l-bom has no parent (importing it must pin nothing but j4l), so its version is written twice. */
    @Test
    void bomParentAndExamplesAgreeOnTheVersion() throws Exception {
        String parent = first(Path.of("../pom.xml"), "<artifactId>j4l-parent</artifactId>\\s*<version>([^<]+)</version>");
        assertEquals(parent, first(Path.of("../bom/pom.xml"), "<artifactId>j4l-bom</artifactId>\\s*<version>([^<]+)</version>"));
        assertEquals(parent, first(Path.of("pom.xml"), "<j4l.version>([^<]+)</j4l.version>"));
    }

    @Test
    void bomNamesEveryLibraryModule() throws Exception {
        Set<String> libraries = new TreeSet<>();
        for (String module : all(Path.of("../pom.xml"), "<module>([^<]+)</module>")) {
            if (!NOT_LIBRARIES.contains(module)) libraries.add("j4l-" + module);
        }
        Set<String> inBom = new TreeSet<>(all(Path.of("../bom/pom.xml"), "<artifactId>(j4l-[^<]+)</artifactId>\\s*<version>\\$"));
        assertEquals(libraries, inBom);
    }

    @Test
    void bomAndParentNameTheSameLicence() throws Exception {
        String licence = "<licenses>\\s*<license>\\s*<name>([^<]+)</name>";
        assertEquals("Apache-2.0", first(Path.of("../pom.xml"), licence));
        assertEquals("Apache-2.0", first(Path.of("../bom/pom.xml"), licence));
    }

    /** Every j4l jar this project resolved by coordinates carries the repository's LICENSE as META-INF/LICENSE. */
    @Test
    void everyJ4lJarCarriesTheLicence() throws Exception {
        byte[] licence = Files.readAllBytes(Path.of("../LICENSE"));
        int jars = 0;
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(Path.of(System.getProperty("examples.modulePath")), "j4l-*.jar")) {
            for (Path jar : modules) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    var entry = file.getJarEntry("META-INF/LICENSE");
                    assertFalse(entry == null, jar + " has no META-INF/LICENSE");
                    try (InputStream in = file.getInputStream(entry)) {
                        assertArrayEquals(licence, in.readAllBytes(), jar + ": META-INF/LICENSE is not ../LICENSE");
                    }
                }
                jars++;
            }
        }
        assertFalse(jars < 3, "expected j4l's kernel, fuse and net jars in the module path, found " + jars);
    }
}
