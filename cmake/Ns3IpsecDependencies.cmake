# Finds ns-3 (Debian's libns3-dev, or the one NS3_IPSEC_NS3_PREFIX names),
# OpenSSL and zlib, and says which optional ns-3 modules are there:
# NS3_IPSEC_HAVE_WIFI (wifi and mobility: the leaf-node helper's Wi-Fi link,
# the bindings' wifi()) and NS3_IPSEC_HAVE_MPI (mpi: the distributed example).
#
# NS3_IPSEC_NS3_PREFIX: the install prefix of another ns-3 3.37, e.g. the
# MPI-enabled one scripts/setup-ns3-mpi.sh builds from Debian's source
# package (/opt/ns3-3.37-mpi/install); only its ns3Config.cmake is used.
#
# Debian's ns3Targets.cmake references three helper binaries shipped by the
# separate "ns3" package; without it find_package(ns3) stops with a fatal
# error.  scripts/setup.sh installs that package, so the config path is the
# normal one; the fallback below builds the same imported targets from the
# shared libraries so a machine without the "ns3" package still builds.
set(_ns3_creators
  /usr/libexec/ns3/ns3.37-raw-sock-creator
  /usr/libexec/ns3/ns3.37-tap-creator
  /usr/libexec/ns3/ns3.37-tap-device-creator)
set(_ns3_have_creators TRUE)
foreach(f ${_ns3_creators})
  if(NOT EXISTS ${f})
    set(_ns3_have_creators FALSE)
  endif()
endforeach()

set(NS3_IPSEC_NS3_PREFIX "" CACHE PATH
  "Install prefix of the ns-3 3.37 to build against (empty: Debian's libns3-dev)")
if(NS3_IPSEC_NS3_PREFIX)
  find_package(ns3 3.37 CONFIG REQUIRED PATHS ${NS3_IPSEC_NS3_PREFIX} NO_DEFAULT_PATH)
  message(STATUS "ns-3: ${ns3_DIR}")
elseif(_ns3_have_creators)
  find_package(ns3 3.37 CONFIG REQUIRED)
else()
  message(STATUS "ns-3: package 'ns3' not installed, using the library fallback")
  find_package(GSL REQUIRED)
  foreach(m core network internet applications internet-apps point-to-point csma
            flow-monitor stats bridge traffic-control mobility wifi propagation
            spectrum antenna energy)
    find_library(NS3_LIB_${m} NAMES ns3-${m} REQUIRED)
    if(NOT TARGET ns3::lib${m})
      add_library(ns3::lib${m} SHARED IMPORTED)
      set_target_properties(ns3::lib${m} PROPERTIES
        IMPORTED_LOCATION ${NS3_LIB_${m}}
        INTERFACE_INCLUDE_DIRECTORIES /usr/include)
    endif()
  endforeach()
  set_property(TARGET ns3::libcore APPEND PROPERTY INTERFACE_LINK_LIBRARIES GSL::gsl)
  set_property(TARGET ns3::libnetwork APPEND PROPERTY INTERFACE_LINK_LIBRARIES ns3::libcore)
  set_property(TARGET ns3::libinternet APPEND PROPERTY INTERFACE_LINK_LIBRARIES
    ns3::libnetwork ns3::libtraffic-control ns3::libbridge)
endif()

find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)

set(NS3_IPSEC_HAVE_WIFI OFF)
if(TARGET ns3::libwifi AND TARGET ns3::libmobility)
  set(NS3_IPSEC_HAVE_WIFI ON)
endif()
set(NS3_IPSEC_HAVE_MPI OFF)
if(TARGET ns3::libmpi)
  find_package(MPI REQUIRED COMPONENTS CXX)
  set(NS3_IPSEC_HAVE_MPI ON)
endif()
message(STATUS "ns-3 modules: wifi ${NS3_IPSEC_HAVE_WIFI}, mpi ${NS3_IPSEC_HAVE_MPI}")
