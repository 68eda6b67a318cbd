# Build as an ns-3 contrib module (contrib/ipsec inside an ns-3 source tree).
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
file(GLOB _ipsec_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/model/*.cc
     ${CMAKE_CURRENT_SOURCE_DIR}/helper/*.cc)
file(GLOB _ipsec_headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/model/*.h
     ${CMAKE_CURRENT_SOURCE_DIR}/helper/*.h)
# The suites and the runner's other sources (test/ipsec-test-*.cc: the
# shared utilities and the tests' own ESP/AH encoder), as test/CMakeLists.txt
# has them; ns-3's test.py brings its own runner.
file(GLOB _ipsec_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test/*-test-suite.cc
     ${CMAKE_CURRENT_SOURCE_DIR}/test/ipsec-test-*.cc)
list(REMOVE_ITEM _ipsec_tests ${CMAKE_CURRENT_SOURCE_DIR}/test/ipsec-test-runner.cc)
# The examples' scaffolding (examples/common): no part of the module; it is
# compiled into the test library and into each example, which include its
# headers as "common/NAME.h".
file(GLOB _ipsec_example_common CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/examples/common/*.cc)
include_directories(${CMAKE_CURRENT_SOURCE_DIR}/examples)
# ipsec-pcap and ipsec-examples drive the standalone build's example binaries.
list(FILTER _ipsec_tests EXCLUDE REGEX "ipsec-pcap-test-suite|ipsec-examples-test-suite")
build_lib(
  LIBNAME ipsec
  SOURCE_FILES ${_ipsec_sources}
  HEADER_FILES ${_ipsec_headers}
  LIBRARIES_TO_LINK ${libinternet} ${libapplications} ${libinternet-apps}
                    ${libpoint-to-point} ${libcsma} ${libflow-monitor}
                    ${libwifi} ${libmobility}
                    OpenSSL::Crypto ZLIB::ZLIB
  TEST_SOURCES ${_ipsec_tests} ${_ipsec_example_common}
)
if(ENABLE_EXAMPLES)
  file(GLOB _ipsec_examples ${CMAKE_CURRENT_SOURCE_DIR}/examples/*.cc)
  foreach(ex ${_ipsec_examples})
    get_filename_component(name ${ex} NAME_WE)
    # ipsec-ike-peer needs the fd-net-device module (real interfaces).
    set(_extra)
    if(name STREQUAL "ipsec-ike-peer")
      if(NOT DEFINED libfd-net-device)
        continue()
      endif()
      set(_extra ${libfd-net-device})
    endif()
    build_lib_example(
      NAME ${name}
      SOURCE_FILES ${ex} ${_ipsec_example_common}
      LIBRARIES_TO_LINK ${libipsec} ${libpoint-to-point} ${libapplications}
                        ${libinternet-apps} ${libflow-monitor} ${_extra}
    )
  endforeach()
endif()
