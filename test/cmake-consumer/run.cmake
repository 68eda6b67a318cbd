# Configures, builds and runs test/cmake-consumer against the build tree's
# package, then against the package installed into WORK_DIR/install; and
# checks that the examples' scaffolding (SCAFFOLDING_DIR, examples/common)
# is no part of either: none of its headers in include/ns3 or in
# ipsec-module.h, no target of its in the exported targets, no library of
# its installed.

# Configures and builds the consumer in DIR against the package in PKG and runs it.
function(build_and_run_consumer dir pkg)
  file(REMOVE_RECURSE ${dir})
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${dir}
                          -Dns3-ipsec_DIR=${pkg} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring the consumer project against ${pkg} failed")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${dir} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building the consumer project against ${pkg} failed")
  endif()
  execute_process(COMMAND ${dir}/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  message(STATUS "${out}")
  if(NOT rc EQUAL 0 OR NOT out MATCHES "consumer linked ns3-ipsec: 3des-cbc")
    message(FATAL_ERROR "the consumer program (against ${pkg}) did not run as expected")
  endif()
endfunction()

# The package's headers in INCLUDE (an include/ns3 directory) hold nothing
# of the scaffolding.
function(check_no_scaffolding include)
  if(NOT EXISTS ${include}/ipsec-module.h)
    message(FATAL_ERROR "${include}/ipsec-module.h is missing")
  endif()
  file(READ ${include}/ipsec-module.h module)
  foreach(h ${scaffolding})
    string(FIND "${module}" "\"ns3/${h}\"" at)
    if(EXISTS ${include}/${h} OR NOT at EQUAL -1)
      message(FATAL_ERROR "the examples' scaffolding ${h} is in the package's headers (${include})")
    endif()
  endforeach()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
build_and_run_consumer(${WORK_DIR}/build-tree ${PACKAGE_DIR})

file(GLOB scaffolding RELATIVE ${SCAFFOLDING_DIR} ${SCAFFOLDING_DIR}/*.h)
if(NOT scaffolding)
  message(FATAL_ERROR "no scaffolding headers in ${SCAFFOLDING_DIR}: the check would prove nothing")
endif()
check_no_scaffolding(${PACKAGE_DIR}/include/ns3)

set(install ${WORK_DIR}/install)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${PACKAGE_DIR} --prefix ${install}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "installing the package into ${install} failed")
endif()
check_no_scaffolding(${install}/include/ns3)
file(GLOB_RECURSE leaked ${install}/*ipsec-example-common*)
file(GLOB_RECURSE targets ${PACKAGE_DIR}/ns3-ipsecTargets*.cmake ${install}/*ns3-ipsecTargets*.cmake)
foreach(t ${targets})
  file(READ ${t} content)
  string(FIND "${content}" "ipsec-example-common" at)
  if(NOT at EQUAL -1)
    list(APPEND leaked ${t})
  endif()
endforeach()
if(leaked)
  message(FATAL_ERROR "the examples' scaffolding library is part of the package: ${leaked}")
endif()
file(GLOB_RECURSE config ${install}/*/ns3-ipsecConfig.cmake)
if(NOT config)
  message(FATAL_ERROR "no ns3-ipsecConfig.cmake under ${install}")
endif()
list(GET config 0 config)
get_filename_component(config_dir ${config} DIRECTORY)
build_and_run_consumer(${WORK_DIR}/installed ${config_dir})
