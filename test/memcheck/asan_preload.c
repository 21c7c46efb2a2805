/*
 * Preloaded into the server's processes next to the AddressSanitizer
 * runtime by test/memcheck/asan (it is not part of lead_qual).
 *
 * Why: with the runtime preloaded into an executable that was not built
 * with it, ASan initialises itself lazily, on the first call to malloc.  In
 * the postgres binary that first call comes from the constructor of
 * libgpg-error (a dependency of libsystemd), inside glibc's
 * bindtextdomain(), which holds glibc's gettext lock.  ASan's start-up looks
 * up the symbol swift_demangle with dlsym(); the lookup fails, dlerror()
 * translates its message with gettext, which takes and releases the same
 * lock, and the lock is left broken: postgres then hangs in its own
 * bindtextdomain() call, before main() does anything.
 *
 * Defining swift_demangle makes that lookup succeed, so dlerror() has no
 * message to translate.  ASan calls it to demangle Swift names; returning
 * NULL means "not a Swift name", and ASan goes on as without it.
 */
#include <stddef.h>
#include <stdint.h>

char	   *swift_demangle(const char *name, size_t name_len, char *out,
						   size_t *out_len, uint32_t flags);

char *
swift_demangle(const char *name, size_t name_len, char *out,
			   size_t *out_len, uint32_t flags)
{
	(void) name;
	(void) name_len;
	(void) out;
	(void) out_len;
	(void) flags;
	return NULL;
}
