/* A no-op std::ios_base_library_init() (mangled _ZSt21ios_base_library_initv) for libstdc++ older than GCC 13.
 * GCC 13's libstdc++ (GLIBCXX_3.4.32) exports it so that code built with GCC 13 initialises the standard streams
 * through it; older libstdc++ initialises them itself from its own static constructor, so nothing is left to do.
 * See patch-libtorchsharp.py. */
void _ZSt21ios_base_library_initv(void) {}
