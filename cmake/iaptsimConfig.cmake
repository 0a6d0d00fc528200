# find_package(iaptsim): iaptsim::iaptsim (the shared library) and iaptsim::iaptsim_static
# (the static one, which links GSL, Lua 5.4, libyaml, nettle, jansson and zlib by their -l flags).
include(CMakeFindDependencyMacro)
find_dependency(Threads)
include(${CMAKE_CURRENT_LIST_DIR}/iaptsimTargets.cmake)
