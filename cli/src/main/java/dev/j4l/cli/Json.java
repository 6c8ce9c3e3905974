package dev.j4l.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the command: {@link #quote} writes the string literals of its {@code --json} outputs;
 * {@link #parse} reads fio's {@code --output-format=json} report (objects become {@link Map}, arrays
 * {@link List}, numbers {@link Double}, plus strings, booleans and null).
 */
public final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    public static Object parse(String text) {
        Json j = new Json(text);
        j.skipSpace();
        Object v = j.value();
        j.skipSpace();
        if (j.i != j.s.length()) throw j.error("trailing text");
        return v;
    }

    /** The value at a path of object keys and array indexes, e.g. {@code at(report, "jobs", 0, "read", "iops")}. */
    public static Object at(Object root, Object... path) {
        Object v = root;
        for (Object k : path) {
            if (k instanceof Integer idx && v instanceof List<?> l && idx < l.size()) v = l.get(idx);
            else if (k instanceof String key && v instanceof Map<?, ?> m && m.containsKey(key)) v = m.get(key);
            else throw new IllegalArgumentException("no " + k + " in the JSON");
        }
        return v;
    }

    public static double number(Object root, Object... path) {
        if (at(root, path) instanceof Double d) return d;
        throw new IllegalArgumentException("not a number at " + List.of(path));
    }

    /** The help of every command's {@code --json}: the same promise everywhere. */
    static final String OPTION_HELP = "one JSON object per line instead of the table (for scripts)";

    /**
     * {@code value} written as JSON, on one line: a {@link Map} (an object, keys in the map's order), a {@link List}, a
     * {@link String}, a {@link Number}, a {@link Boolean} or null.
     */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    /** An object for {@link #write}: keys and values alternating, kept in this order. */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("a key without a value");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) m.put((String) keysAndValues[k], keysAndValues[k + 1]);
        return m;
    }

    private static void write(StringBuilder b, Object value) {
        switch (value) {
            case null -> b.append("null");
            case String s -> b.append(quote(s));
            case Number n -> b.append(n);
            case Boolean t -> b.append(t);
            case Map<?, ?> m -> {
                b.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(sep).append(quote(e.getKey().toString())).append(':');
                    write(b, e.getValue());
                    sep = ",";
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                String sep = "";
                for (Object o : l) {
                    b.append(sep);
                    write(b, o);
                    sep = ",";
                }
                b.append(']');
            }
            default -> throw new IllegalArgumentException("no JSON form for a " + value.getClass().getName());
        }
    }

    /** A JSON string literal of {@code s}. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    private Object value() {
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipSpace();
                if (peek('}')) return m;
                do {
                    skipSpace();
                    String k = string();
                    skipSpace();
                    expect(':');
                    skipSpace();
                    m.put(k, value());
                    skipSpace();
                } while (peek(','));
                expect('}');
                return m;
            }
            case '[' -> {
                i++;
                List<Object> l = new ArrayList<>();
                skipSpace();
                if (peek(']')) return l;
                do {
                    skipSpace();
                    l.add(value());
                    skipSpace();
                } while (peek(','));
                expect(']');
                return l;
            }
            case '"' -> {
                return string();
            }
            default -> {
                if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
                if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
                if (s.startsWith("null", i)) { i += 4; return null; }
                int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
                if (start == i) throw error("unexpected '" + c + "'");
                return Double.parseDouble(s.substring(start, i));
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c != '\\') { b.append(c); continue; }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> { b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                default -> b.append(e);
            }
        }
    }

    private boolean peek(char c) {
        if (i < s.length() && s.charAt(i) == c) { i++; return true; }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) throw error("expected '" + c + "'");
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("bad JSON at offset " + i + ": " + what);
    }
}
