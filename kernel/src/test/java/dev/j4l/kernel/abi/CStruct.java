package dev.j4l.kernel.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** Name of the layout of an anonymous struct or union, whose members C reaches as the parent's own. */
    private static final String ANONYMOUS = "(anonymous)";

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

    /** A member {@code struct { members };} without a name. */
    static MemoryLayout anonymousStruct(MemoryLayout... members) {
        return struct(ANONYMOUS, members);
    }

    /** A member {@code union { members };} without a name. */
    static MemoryLayout anonymousUnion(MemoryLayout... members) {
        return union(ANONYMOUS, members);
    }

    /** {@code union name { members };} with C's padding. */
    static UnionLayout union(String name, MemoryLayout... members) {
        long size = 0, align = 1;
        for (MemoryLayout m : members) {
            size = Math.max(size, m.byteSize());
            align = Math.max(align, m.byteAlignment());
        }
        long padded = (size + align - 1) / align * align;
        MemoryLayout[] all = Arrays.copyOf(members, members.length + 1);
        all[members.length] = MemoryLayout.paddingLayout(padded);
        return MemoryLayout.unionLayout(all).withName(name);
    }

    /** A member {@code union { members } __attribute__((packed));} without a name: byte-aligned. */
    static MemoryLayout anonymousPackedUnion(MemoryLayout... members) {
        return union(ANONYMOUS, Arrays.stream(members).map(m -> m.withByteAlignment(1)).toArray(MemoryLayout[]::new))
                .withByteAlignment(1);
    }

    /** {@code offsetof(struct, a.b.c)}; members of anonymous structs and unions are found as C finds them. */
    static long off(GroupLayout s, String... path) {
        return s.byteOffset(elements(s, path));
    }

    /** {@code sizeof} of a member. */
    static long size(GroupLayout s, String... path) {
        return s.select(elements(s, path)).byteSize();
    }

    private static PathElement[] elements(GroupLayout s, String... path) {
        List<PathElement> out = new ArrayList<>();
        MemoryLayout at = s;
        for (String name : path) {
            List<PathElement> step = find(at, name).orElseThrow(() -> new IllegalArgumentException(
                    "no member " + name + " in " + s.name().orElse("?")));
            out.addAll(step);
            at = (s.select(out.toArray(PathElement[]::new)));
        }
        return out.toArray(PathElement[]::new);
    }

    private static Optional<List<PathElement>> find(MemoryLayout l, String name) {
        if (!(l instanceof GroupLayout g)) return Optional.empty();
        for (MemoryLayout m : g.memberLayouts()) {
            if (m.name().equals(Optional.of(name))) return Optional.of(List.of(PathElement.groupElement(name)));
        }
        for (MemoryLayout m : g.memberLayouts()) {
            if (!m.name().equals(Optional.of(ANONYMOUS))) continue;
            Optional<List<PathElement>> inner = find(m, name);
            if (inner.isPresent()) {
                List<PathElement> p = new ArrayList<>();
                p.add(PathElement.groupElement(g.memberLayouts().indexOf(m)));
                p.addAll(inner.get());
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Every member of {@code s}, nested ones by dotted path, with its offset: for comparing with a compiler's view. */
    static Map<String, Long> members(StructLayout s) {
        Map<String, Long> out = new LinkedHashMap<>();
        walk(s, "", 0, out);
        return out;
    }

    private static void walk(MemoryLayout l, String prefix, long base, Map<String, Long> out) {
        if (!(l instanceof GroupLayout g)) return;
        long at = base;
        for (MemoryLayout m : g.memberLayouts()) {
            if (m.name().equals(Optional.of(ANONYMOUS))) {
                walk(m, prefix, at, out);
            } else if (m.name().isPresent()) {
                String path = prefix + m.name().get();
                out.put(path, at);
                if (!(m instanceof SequenceLayout)) walk(m, path + ".", at, out);
            }
            if (g instanceof StructLayout) at += m.byteSize();
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
