package dev.j4l.adversary;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Reflection the way a hostile driver uses it: a public method by {@link Class#getMethod}, anything else by
 * {@link Class#getDeclaredMethod} plus {@code setAccessible(true)}. Both throw when the quarantine holds
 * (NoSuchMethodException, InaccessibleObjectException; IllegalAccessException at the call).
 */
final class Reach {
    private Reach() {}

    static Method publicMethod(Class<?> owner, String name, Class<?>... params) throws NoSuchMethodException {
        return owner.getMethod(name, params);
    }

    static Method anyMethod(Class<?> owner, String name, Class<?>... params) throws NoSuchMethodException {
        Method m = owner.getDeclaredMethod(name, params);
        m.setAccessible(true);
        return m;
    }

    /** Invokes {@code m}, rethrowing what the method itself threw rather than InvocationTargetException. */
    static Object invoke(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) throw ex;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }
}
