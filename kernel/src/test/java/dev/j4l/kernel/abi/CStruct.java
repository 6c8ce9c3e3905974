package dev.j4l.kernel.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * C structs as {@link StructLayout}s laid out by the C rules of LP64 Linux (each member at the next multiple of
 * its alignment, the struct padded to its largest alignment), so a header's struct can be transcribed member by
 * member, with its own names and types, and the offsets come out as the compiler's. The ABI tests pin the
 * constants of the ABI classes against such transcriptions.
 */
final class CStruct {
    private CStruct() {}

    // The header's C types. Signedness does not change a layout; the names keep the transcription literal.
    static final ValueLayout U8 = ValueLayout.JAVA_BYTE, CHAR = ValueLayout.JAVA_BYTE;
    static final ValueLayout U16 = ValueLayout.JAVA_SHORT, S16 = ValueLayout.JAVA_SHORT;
    static final ValueLayout U32 = ValueLayout.JAVA_INT, S32 = ValueLayout.JAVA_INT;
    static final ValueLayout U64 = ValueLayout.JAVA_LONG, S64 = ValueLayout.JAVA_LONG;

    /** {@code type name;} */
    static MemoryLayout f(String name, MemoryLayout type) {
        return type.withName(name);
    }

    /** {@code type name[n];} ({@code n} 0 for a flexible array member). */
    static MemoryLayout array(String name, int n, MemoryLayout type) {
        return MemoryLayout.sequenceLayout(n, type).withName(name);
    }

    /** {@code struct name { members };} with C's padding. */
    static StructLayout struct(String name, MemoryLayout... members) {
        List<MemoryLayout> laid = new ArrayList<>();
        long at = 0, align = 1;
        for (MemoryLayout m : members) {
            long a = m.byteAlignment();
            long pad = (a - at % a) % a;
            if (pad > 0) laid.add(MemoryLayout.paddingLayout(pad));
            laid.add(m);
            at += pad + m.byteSize();
            align = Math.max(align, a);
        }
        long tail = (align - at % align) % align;
        if (tail > 0) laid.add(MemoryLayout.paddingLayout(tail));
        return MemoryLayout.structLayout(laid.toArray(MemoryLayout[]::new)).withName(name);
    }

    /** {@code offsetof(struct, a.b.c)}. */
    static long off(StructLayout s, String... path) {
        return s.byteOffset(Arrays.stream(path).map(PathElement::groupElement).toArray(PathElement[]::new));
    }

    /** {@code sizeof} of a member. */
    static long size(StructLayout s, String... path) {
        return s.select(Arrays.stream(path).map(PathElement::groupElement).toArray(PathElement[]::new)).byteSize();
    }

    /** Every member of {@code s}, nested ones by dotted path, with its offset: for comparing with a compiler's view. */
    static Map<String, Long> members(StructLayout s) {
        Map<String, Long> out = new LinkedHashMap<>();
        walk(s, "", 0, out);
        return out;
    }

    private static void walk(MemoryLayout l, String prefix, long base, Map<String, Long> out) {
        if (!(l instanceof StructLayout g)) return;
        long at = base;
        for (MemoryLayout m : g.memberLayouts()) {
            if (m.name().isPresent()) {
                String path = prefix + m.name().get();
                out.put(path, at);
                if (!(m instanceof SequenceLayout)) walk(m, path + ".", at, out);
            }
            at += m.byteSize();
        }
    }

    /**
     * The expected value of each public constant of {@code abi} (and of its nested classes, as
     * {@code Nested.NAME}). Each entry is checked, and a constant without an entry fails the test too: a constant
     * added to the ABI class is pinned or the test says which one is not.
     */
    static final class Pins {
        private final Class<?> abi;
        private final Map<String, Long> expected = new LinkedHashMap<>();

        Pins(Class<?> abi) {
            this.abi = abi;
        }

        Pins pin(String constant, long value) {
            if (expected.put(constant, value) != null) fail(constant + " pinned twice");
            return this;
        }

        void check() {
            Map<String, Long> actual = constants(abi, "");
            List<String> wrong = new ArrayList<>();
            expected.forEach((name, value) -> {
                Long a = actual.get(name);
                if (a == null) wrong.add(name + ": no such constant in " + abi.getSimpleName());
                else if (a.longValue() != value) wrong.add(name + " = " + a + ", the header says " + value);
            });
            Set<String> unpinned = new TreeSet<>(actual.keySet());
            unpinned.removeAll(expected.keySet());
            assertTrue(wrong.isEmpty(), String.join("\n", wrong));
            assertEquals(Set.of(), unpinned, "constants of " + abi.getSimpleName() + " no test checks");
        }

        private static Map<String, Long> constants(Class<?> c, String prefix) {
            Map<String, Long> out = new LinkedHashMap<>();
            for (Field fd : c.getDeclaredFields()) {
                int m = fd.getModifiers();
                if (!Modifier.isPublic(m) || !Modifier.isStatic(m) || !Modifier.isFinal(m)) continue;
                try {
                    if (fd.getType() == int.class) out.put(prefix + fd.getName(), (long) fd.getInt(null));
                    else if (fd.getType() == long.class) out.put(prefix + fd.getName(), fd.getLong(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
            for (Class<?> n : c.getDeclaredClasses()) {
                if (Modifier.isPublic(n.getModifiers())) out.putAll(constants(n, prefix + n.getSimpleName() + "."));
            }
            return out;
        }
    }
}
