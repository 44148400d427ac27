# Sanitizer and fuzzing builds (docs/reliability.md). Included by the top-level CMakeLists.txt
# before any target exists, so every library, program and test of the build gets the same flags:
# a sanitizer sees only the code it instrumented, and mixing instrumented and plain objects
# hides bugs (or, for ThreadSanitizer, invents them).
#
#   cmake --preset asan   # VIGIL_SANITIZE="address;undefined", VIGIL_BUILD_FUZZ=ON
#   cmake --preset tsan   # VIGIL_SANITIZE="thread"
#
# Qt itself comes uninstrumented from Debian: what it allocates is still tracked (the runtime
# intercepts malloc), but its own reads and writes are not checked, and the leaks it keeps on
# purpose are suppressed by cmake/lsan.supp (the presets' test environment names it).

set(VIGIL_SANITIZE "" CACHE STRING
    "Sanitizers for the whole build: empty (none), \"address;undefined\" or \"thread\"")
set_property(CACHE VIGIL_SANITIZE PROPERTY STRINGS "" "address;undefined" "thread")

set(vigil_sanitize_flags "")
if(VIGIL_SANITIZE)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang|GNU")
        message(FATAL_ERROR "VIGIL_SANITIZE needs Clang or GCC, not ${CMAKE_CXX_COMPILER_ID}")
    endif()
    foreach(sanitizer IN LISTS VIGIL_SANITIZE)
        if(NOT sanitizer MATCHES "^(address|undefined|thread)$")
            message(FATAL_ERROR "VIGIL_SANITIZE: unknown sanitizer \"${sanitizer}\"")
        endif()
    endforeach()
    if("thread" IN_LIST VIGIL_SANITIZE AND "address" IN_LIST VIGIL_SANITIZE)
        message(FATAL_ERROR "ThreadSanitizer and AddressSanitizer cannot share one build")
    endif()
    list(JOIN VIGIL_SANITIZE "," vigil_sanitizers)
    # Stacks that name every frame; undefined behaviour stops the program (a test fails)
    # instead of printing a line nobody reads.
    list(APPEND vigil_sanitize_flags "-fsanitize=${vigil_sanitizers}" -fno-omit-frame-pointer)
    if("undefined" IN_LIST VIGIL_SANITIZE)
        list(APPEND vigil_sanitize_flags -fno-sanitize-recover=undefined)
    endif()
    if("address" IN_LIST VIGIL_SANITIZE)
        # glibc's checked memcpy/strcpy (_FORTIFY_SOURCE, set for optimised builds) are not
        # intercepted by AddressSanitizer: the plain functions are, and are checked better.
        add_compile_options(-U_FORTIFY_SOURCE)
    endif()
    message(STATUS "Sanitizers: ${vigil_sanitizers}")
endif()

# libFuzzer (fuzz/): the targets link -fsanitize=fuzzer (its main()); everything else gets the
# coverage instrumentation that guides it, so the fuzzers explore Vigil's libraries and not only
# their own few lines. Tests built alongside still run normally: fuzzer-no-link adds no main().
if(VIGIL_BUILD_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "VIGIL_BUILD_FUZZ needs Clang (libFuzzer): use the asan preset, or "
                            "-DCMAKE_CXX_COMPILER=clang++")
    endif()
    list(APPEND vigil_sanitize_flags -fsanitize=fuzzer-no-link)
endif()

if(vigil_sanitize_flags)
    add_compile_options(${vigil_sanitize_flags})
    add_link_options(${vigil_sanitize_flags})
    if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        # Clang's -Wpedantic flags every qCWarning(category) << ...: Qt's logging macros are
        # variadic and called without the optional arguments, as Qt documents them.
        add_compile_options(-Wno-gnu-zero-variadic-macro-arguments)
    endif()
endif()
