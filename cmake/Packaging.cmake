# Packaging: what `cmake --install` puts next to the three programs (desktop integration, the
# relay service, documentation) and the CPack settings of the installers. Included at the end of
# the top-level CMakeLists.txt, once every target exists. docs/packaging.md explains it all.
#
#   cmake --build build --target package      # or: cd build && cpack -G DEB
#
# builds build/vigil_<version>_<arch>.deb on Debian. The Windows (WiX, NSIS) and macOS
# (DragNDrop) settings below are written for those machines and are not exercised here.

# The reverse-DNS id of the application: the name of the .desktop file, the AppStream <id> and
# the icon. main.cpp passes the same string to QGuiApplication::setDesktopFileName().
set(VIGIL_APP_ID "org.vigil.Vigil")
set(VIGIL_VENDOR "The Vigil developers")
set(VIGIL_PACKAGE_MAINTAINER "${VIGIL_VENDOR} <maintainers@vigil.invalid>")
# Where the Linux package installs.
set(VIGIL_PACKAGE_PREFIX "/usr")

set(vigil_linux_dir "${PROJECT_SOURCE_DIR}/packaging/linux")
set(vigil_pkg_build_dir "${PROJECT_BINARY_DIR}/packaging")

# --- Linux: desktop integration, relay service, documentation ------------------------------
if(UNIX AND NOT APPLE)
    # The release notes are written by hand; catch a version bump that forgot them.
    file(STRINGS "${vigil_linux_dir}/changelog" vigil_changelog_head LIMIT_COUNT 1)
    file(READ "${vigil_linux_dir}/${VIGIL_APP_ID}.metainfo.xml" vigil_metainfo)
    string(REGEX MATCH "<release version=\"([^\"]*)\"" vigil_newest_release "${vigil_metainfo}")
    set(vigil_newest_release "${CMAKE_MATCH_1}")
    if(NOT vigil_changelog_head MATCHES "^vigil \\(${PROJECT_VERSION}\\) "
       OR NOT vigil_newest_release STREQUAL PROJECT_VERSION)
        message(WARNING "Version ${PROJECT_VERSION} has no entry in packaging/linux/changelog or "
                        "no <release> in the metainfo file; add both before packaging.")
    endif()
    set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
        "${vigil_linux_dir}/changelog" "${vigil_linux_dir}/${VIGIL_APP_ID}.metainfo.xml"
        "${PROJECT_SOURCE_DIR}/packaging/runtime-deps.txt")

    install(FILES "${vigil_linux_dir}/${VIGIL_APP_ID}.desktop" DESTINATION share/applications)
    install(FILES "${vigil_linux_dir}/${VIGIL_APP_ID}.metainfo.xml" DESTINATION share/metainfo)
    install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/vigil.svg"
        DESTINATION share/icons/hicolor/scalable/apps RENAME "${VIGIL_APP_ID}.svg")
    # PNG sizes rendered once by packaging/linux/render-icons.sh and committed, so the build
    # needs no SVG renderer.
    install(DIRECTORY "${vigil_linux_dir}/icons/hicolor" DESTINATION share/icons
        FILES_MATCHING PATTERN "*.png")

    # The relay as a system service, installed disabled, with its options in a conffile. The
    # paths follow the prefix at install time: /usr (the package) runs /usr/bin/vigil-relay and
    # reads /etc/default/vigil-relay; any other prefix keeps both under it, so
    # `cmake --install build --prefix ~/opt` needs no root.
    install(CODE "
        set(VIGIL_BINDIR \"\${CMAKE_INSTALL_PREFIX}/bin\")
        set(VIGIL_SYSCONFDIR \"\${CMAKE_INSTALL_PREFIX}/etc\")
        if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
            set(VIGIL_SYSCONFDIR /etc)
        endif()
        configure_file(\"${vigil_linux_dir}/vigil-relay.service.in\"
            \"${vigil_pkg_build_dir}/vigil-relay.service\" @ONLY)
        file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\" TYPE FILE
            FILES \"${vigil_pkg_build_dir}/vigil-relay.service\")
        file(INSTALL DESTINATION \"\${VIGIL_SYSCONFDIR}/default\" TYPE FILE RENAME vigil-relay
            FILES \"${vigil_linux_dir}/vigil-relay.default\")
    ")

    # Debian wants the changelog and man pages compressed, without a timestamp (reproducible).
    find_program(VIGIL_GZIP gzip REQUIRED)
    set(vigil_gz_outputs "")
    foreach(source IN ITEMS changelog man/vigil.1 man/vigil-relay.1 man/vigil-cli.1)
        get_filename_component(name "${source}" NAME)
        set(output "${vigil_pkg_build_dir}/${name}.gz")
        add_custom_command(OUTPUT "${output}"
            COMMAND "${VIGIL_GZIP}" -9 -n -c "${vigil_linux_dir}/${source}" > "${output}"
            DEPENDS "${vigil_linux_dir}/${source}"
            COMMENT "Compressing ${source}" VERBATIM)
        list(APPEND vigil_gz_outputs "${output}")
    endforeach()
    add_custom_target(vigil_package_files ALL DEPENDS ${vigil_gz_outputs})
    install(FILES "${vigil_pkg_build_dir}/vigil.1.gz" "${vigil_pkg_build_dir}/vigil-relay.1.gz"
        "${vigil_pkg_build_dir}/vigil-cli.1.gz" DESTINATION share/man/man1)
    install(FILES "${vigil_linux_dir}/copyright" "${vigil_pkg_build_dir}/changelog.gz"
        "${PROJECT_SOURCE_DIR}/docs/relay.md" DESTINATION share/doc/vigil)

    # The programs link the system's Qt from /usr/lib: no RPATH in the installed binaries.
    set_target_properties(vigil vigil-relay vigil-cli PROPERTIES INSTALL_RPATH "")
endif()

# --- What every installer shares ------------------------------------------------------------
set(CPACK_PACKAGE_NAME "vigil")
set(CPACK_PACKAGE_VENDOR "${VIGIL_VENDOR}")
set(CPACK_PACKAGE_CONTACT "${VIGIL_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "real-time operations console")
# Debian shows the description on 80-column terminals: keep its lines shorter than 80.
set(CPACK_PACKAGE_DESCRIPTION
    "Vigil is a desktop console for people who watch and act on live
systems: incidents, agents, chat, alerts, an activity feed, logs,
metrics and notifications, streamed from a backend over WebSocket.
It reconnects on its own, falls back to HTTP when WebSocket is
blocked and keeps every outgoing action in a durable outbox until
the server confirms it.

The package holds the desktop application (vigil), the reference
server with a live demo scenario (vigil-relay, also as a disabled
systemd service) and a headless client for scripts (vigil-cli).")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Vigil")
set(CPACK_PACKAGE_EXECUTABLES "vigil;Vigil")
# The installers' licence page; WiX accepts only .txt or .rtf.
configure_file("${vigil_linux_dir}/copyright" "${vigil_pkg_build_dir}/LICENSE.txt" COPYONLY)
set(CPACK_RESOURCE_FILE_LICENSE "${vigil_pkg_build_dir}/LICENSE.txt")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build[^/]*/" "/\\.cache/" "\\.swp$")

# --- Debian package (built and tested on Debian 12) -----------------------------------------
# Depends = what dpkg-shlibdeps finds in the ELF files (libQt6*, libc, libstdc++...) plus the
# packages it cannot see: the QML modules the UI imports, the SQLite driver and platform
# plugins, a font. Those come from packaging/runtime-deps.txt, the list install-deps.sh uses.
file(STRINGS "${PROJECT_SOURCE_DIR}/packaging/runtime-deps.txt" vigil_runtime_lines)
set(vigil_runtime_deps "")
foreach(line IN LISTS vigil_runtime_lines)
    string(REGEX REPLACE "#.*" "" line "${line}")
    string(STRIP "${line}" line)
    if(line)
        list(APPEND vigil_runtime_deps "${line}")
    endif()
endforeach()
list(JOIN vigil_runtime_deps ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# A keychain service keeps server tokens out of files; without one Vigil still works and says
# where the tokens are (docs/console.md).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring | libkf5wallet-bin")

set(CPACK_DEBIAN_PACKAGE_NAME "vigil")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${VIGIL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# conffiles marks /etc/default/vigil-relay; the scripts reload systemd, restart a running relay
# on upgrade and stop it on removal. Nothing enables or starts the service.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${vigil_linux_dir}/deb/conffiles" "${vigil_linux_dir}/deb/postinst"
    "${vigil_linux_dir}/deb/prerm" "${vigil_linux_dir}/deb/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_PACKAGING_INSTALL_PREFIX "${VIGIL_PACKAGE_PREFIX}")

# --- Windows (not built here) ----------------------------------------------------------------
# WiX makes an .msi (what administrators deploy with group policy); NSIS an .exe for people.
# Both need the Qt DLLs and QML modules next to vigil.exe: windeployqt copies them at install
# time, reading the QML imports from qml/.
if(WIN32)
    set(CPACK_GENERATOR "WIX;NSIS")
    # Never change: it is how Windows recognises a newer Vigil as an upgrade of an older one.
    set(CPACK_WIX_UPGRADE_GUID "6E0C1F7A-3B52-4D8E-9A41-2C5B7D9E0F13")
    set(CPACK_WIX_PROGRAM_MENU_FOLDER "Vigil")
    set(CPACK_WIX_PROPERTY_ARPURLINFOABOUT "${PROJECT_HOMEPAGE_URL}")
    set(CPACK_NSIS_DISPLAY_NAME "Vigil")
    set(CPACK_NSIS_PACKAGE_NAME "Vigil ${PROJECT_VERSION}")
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\vigil.exe")
    set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
    # An .ico made from resources/icons/vigil.svg (not in the repository yet).
    set(vigil_ico "${PROJECT_SOURCE_DIR}/packaging/windows/vigil.ico")
    if(EXISTS "${vigil_ico}")
        set(CPACK_WIX_PRODUCT_ICON "${vigil_ico}")
        set(CPACK_NSIS_MUI_ICON "${vigil_ico}")
        set(CPACK_NSIS_MUI_UNIICON "${vigil_ico}")
    endif()
    find_program(VIGIL_WINDEPLOYQT windeployqt HINTS "${QT6_INSTALL_PREFIX}/bin")
    if(VIGIL_WINDEPLOYQT)
        install(CODE "execute_process(COMMAND \"${VIGIL_WINDEPLOYQT}\"
            --qmldir \"${PROJECT_SOURCE_DIR}/qml\" --no-translations
            \"\${CMAKE_INSTALL_PREFIX}/bin/vigil.exe\" \"\${CMAKE_INSTALL_PREFIX}/bin/vigil-relay.exe\"
            \"\${CMAKE_INSTALL_PREFIX}/bin/vigil-cli.exe\" COMMAND_ERROR_IS_FATAL ANY)")
    endif()

# --- macOS (not built here) ------------------------------------------------------------------
# A disk image with Vigil.app and a link to /Applications. macdeployqt puts Qt's frameworks
# and QML modules inside the bundle; vigil-relay and vigil-cli go in the image's bin/ folder.
elseif(APPLE)
    set(CPACK_GENERATOR "DragNDrop")
    set(CPACK_DMG_VOLUME_NAME "Vigil ${PROJECT_VERSION}")
    set(CPACK_DMG_FORMAT "UDZO")
    set_target_properties(vigil PROPERTIES
        OUTPUT_NAME "Vigil"
        MACOSX_BUNDLE_GUI_IDENTIFIER "${VIGIL_APP_ID}"
        MACOSX_BUNDLE_BUNDLE_NAME "Vigil"
        MACOSX_BUNDLE_BUNDLE_VERSION "${PROJECT_VERSION}"
        MACOSX_BUNDLE_SHORT_VERSION_STRING "${PROJECT_VERSION}")
    # An .icns made from resources/icons/vigil.svg (not in the repository yet) goes into the
    # bundle's Resources.
    set(vigil_icns "${PROJECT_SOURCE_DIR}/packaging/macos/vigil.icns")
    if(EXISTS "${vigil_icns}")
        target_sources(vigil PRIVATE "${vigil_icns}")
        set_source_files_properties("${vigil_icns}" TARGET_DIRECTORY vigil
            PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
        set_target_properties(vigil PROPERTIES MACOSX_BUNDLE_ICON_FILE "vigil.icns")
    endif()
    find_program(VIGIL_MACDEPLOYQT macdeployqt HINTS "${QT6_INSTALL_PREFIX}/bin")
    if(VIGIL_MACDEPLOYQT)
        install(CODE "execute_process(COMMAND \"${VIGIL_MACDEPLOYQT}\"
            \"\${CMAKE_INSTALL_PREFIX}/Vigil.app\" -qmldir=\"${PROJECT_SOURCE_DIR}/qml\"
            COMMAND_ERROR_IS_FATAL ANY)")
    endif()

else()
    set(CPACK_GENERATOR "DEB")
endif()

include(CPack)

# --- The package test -------------------------------------------------------------------------
# Builds the .deb from this build directory, unpacks it and checks it the way a user and the
# Debian tools would. Needs the tools from packaging/build-deps.txt; takes about ten seconds.
if(BUILD_TESTING AND UNIX AND NOT APPLE)
    add_test(NAME tst_package
        COMMAND bash "${PROJECT_SOURCE_DIR}/tests/package/tst_package.sh"
            "${PROJECT_BINARY_DIR}" "${PROJECT_SOURCE_DIR}" "${PROJECT_VERSION}" "${VIGIL_APP_ID}")
    set_tests_properties(tst_package PROPERTIES
        LABELS "package;slow"
        TIMEOUT 600
        SKIP_RETURN_CODE 77)
endif()
