# Build as an ns-3 contrib module (contrib/ipsec inside an ns-3 source tree).
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
# build_lib takes the module's files relative to its directory (it mirrors
# each header as build/include/ns3/NAME.h, an #include of that path).
file(GLOB _ipsec_sources CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
     ${CMAKE_CURRENT_SOURCE_DIR}/model/*.cc ${CMAKE_CURRENT_SOURCE_DIR}/helper/*.cc)
file(GLOB _ipsec_headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
     ${CMAKE_CURRENT_SOURCE_DIR}/model/*.h ${CMAKE_CURRENT_SOURCE_DIR}/helper/*.h)
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
# What the standalone build's test/ and examples/ CMakeLists define: where the
# suites and examples find the example configurations (NS3_IPSEC_BINARY_DIR,
# the standalone example programs, stays undefined: the suites that run them
# skip those cases).
add_compile_definitions(NS3_IPSEC_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}"
                        NS3_IPSEC_EXAMPLES_DIR="${CMAKE_CURRENT_SOURCE_DIR}/examples")
# The optional ns-3 modules, as the standalone build finds them
# (cmake/Ns3IpsecDependencies.cmake).  ns-3 defines lib<module> for every
# module it scanned, enabled or not: ns3-all-enabled-modules says which are built.
set(_ipsec_optional_libs)
if(wifi IN_LIST ns3-all-enabled-modules AND mobility IN_LIST ns3-all-enabled-modules)
  add_compile_definitions(NS3_IPSEC_HAVE_WIFI)
  set(_ipsec_optional_libs ${libwifi} ${libmobility})
endif()
# ipsec-pcap and ipsec-examples drive the standalone build's example binaries.
list(FILTER _ipsec_tests EXCLUDE REGEX "ipsec-pcap-test-suite|ipsec-examples-test-suite")
build_lib(
  LIBNAME ipsec
  SOURCE_FILES ${_ipsec_sources}
  HEADER_FILES ${_ipsec_headers}
  LIBRARIES_TO_LINK ${libinternet} ${libapplications} ${libinternet-apps}
                    ${libpoint-to-point} ${libcsma} ${libflow-monitor}
                    ${_ipsec_optional_libs}
                    OpenSSL::Crypto ZLIB::ZLIB
  TEST_SOURCES ${_ipsec_tests} ${_ipsec_example_common}
)
# The examples' scaffolding is included as "common/NAME.h" by the suites and
# the examples only (a directory-wide include path would reach the module's
# exported interface, which ns-3 refuses for a path inside the source tree).
if(TARGET ${testipsec})
  target_include_directories(${testipsec} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/examples)
endif()
# The examples: build_lib adds examples/ when ns-3's examples are on (see
# examples/CMakeLists.txt, its contrib branch).
