# shapelint_proto_runtime: what the loader links for the ONNX protobuf
# classes (onnx::ModelProto and the rest) and protobuf itself.
#
# Loading libonnx_proto.so and libprotobuf.so costs every process about
# 2.5 ms of dynamic loading and relocation on the development VM, more than
# the whole check of a 1 000-node model. With SHAPELINT_STATIC_PROTOBUF (on
# by default) the classes are generated here by Debian's protoc from
# python3-onnx's onnx-ml.proto (the schema libonnx_proto.so was generated
# from), for protobuf's lite runtime, and linked statically with Debian's
# libprotobuf-lite.a. The schema must be libonnx-dev's own (checked here);
# when it is not, or a piece is missing, the build falls back to Debian's
# shared libraries with a warning.
# bench/ keeps the shared libraries: its reference tools are "the usual way".
option(SHAPELINT_STATIC_PROTOBUF
       "Link the ONNX protobuf classes (generated from python3-onnx's onnx-ml.proto for the lite runtime) and libprotobuf-lite.a statically (and then libstdc++)"
       ON)
set(SHAPELINT_ONNX_ML_PROTO /usr/lib/python3/dist-packages/onnx/onnx-ml.proto
    CACHE FILEPATH "onnx-ml.proto matching libonnx-dev's onnx/onnx-ml.pb.h (package python3-onnx)")

add_library(shapelint_proto_runtime INTERFACE)

# Warns why the static classes cannot be used and leaves the function.
macro(shapelint_proto_fallback reason)
  message(WARNING "SHAPELINT_STATIC_PROTOBUF: ${reason}; linking Debian's shared libonnx_proto and libprotobuf")
  return()
endmacro()

function(shapelint_static_proto_runtime out_ok)
  set(${out_ok} OFF PARENT_SCOPE)
  find_library(SHAPELINT_LIBPROTOBUF_LITE_A NAMES libprotobuf-lite.a)
  get_target_property(onnx_includes onnx_proto INTERFACE_INCLUDE_DIRECTORIES)
  find_file(SHAPELINT_DEBIAN_ONNX_ML_PB_H onnx/onnx-ml.pb.h HINTS ${onnx_includes} NO_CACHE)
  foreach(piece Protobuf_PROTOC_EXECUTABLE SHAPELINT_LIBPROTOBUF_LITE_A SHAPELINT_DEBIAN_ONNX_ML_PB_H
                SHAPELINT_ONNX_ML_PROTO)
    if(NOT ${piece} OR NOT EXISTS "${${piece}}")
      shapelint_proto_fallback("${piece} (${${piece}}) not found")
    endif()
  endforeach()

  # The classes shapelint links are generated as the schema asks, for the
  # lite runtime: no descriptors, so no descriptor database is built when
  # the program starts (0.8 M instructions, a fifth of checking a small
  # model), and libprotobuf-lite.a instead of libprotobuf.a. Nothing in
  # shapelint uses reflection. Every object that links these classes sees
  # this header before libonnx-dev's (include order, checked by a
  # static_assert in the loader), so no object sees the full-runtime classes.
  set(dir ${CMAKE_BINARY_DIR}/generated/proto)
  # The schema must also be the one libonnx-dev's classes were generated
  # from: without its LITE_RUNTIME option ("full"), protoc must give the very
  # header libonnx-dev installs (comment lines aside).
  file(READ "${SHAPELINT_ONNX_ML_PROTO}" schema_lite)
  string(REGEX REPLACE "\noption optimize_for = LITE_RUNTIME;" "\n" schema_full "${schema_lite}")
  foreach(runtime lite full)
    file(WRITE ${dir}/${runtime}/onnx/onnx-ml.proto "${schema_${runtime}}")
    execute_process(COMMAND ${Protobuf_PROTOC_EXECUTABLE} --cpp_out=dllexport_decl=ONNX_API:${dir}/${runtime}
                            -I${dir}/${runtime} ${dir}/${runtime}/onnx/onnx-ml.proto
                    RESULT_VARIABLE protoc_result ERROR_VARIABLE protoc_error)
    if(NOT protoc_result EQUAL 0)
      shapelint_proto_fallback("protoc failed (${protoc_error})")
    endif()
  endforeach()
  file(READ ${dir}/full/onnx/onnx-ml.pb.h generated)
  file(READ ${SHAPELINT_DEBIAN_ONNX_ML_PB_H} installed)
  string(REGEX REPLACE "(^|\n)//[^\n]*" "\\1" generated "${generated}")
  string(REGEX REPLACE "(^|\n)//[^\n]*" "\\1" installed "${installed}")
  if(NOT generated STREQUAL installed)
    set(why "the classes protoc generates from ${SHAPELINT_ONNX_ML_PROTO} differ from ${SHAPELINT_DEBIAN_ONNX_ML_PB_H}")
    shapelint_proto_fallback("${why}")
  endif()
  file(REMOVE_RECURSE ${dir}/full)

  add_library(shapelint_onnx_proto STATIC ${dir}/lite/onnx/onnx-ml.pb.cc)
  target_include_directories(shapelint_onnx_proto BEFORE PUBLIC ${dir}/lite)
  target_include_directories(shapelint_onnx_proto PUBLIC ${onnx_includes} ${Protobuf_INCLUDE_DIRS})
  target_compile_definitions(shapelint_onnx_proto PUBLIC ONNX_NAMESPACE=onnx ONNX_ML=1 SHAPELINT_ONNX_PROTO_LITE=1
                             PRIVATE ONNX_API=)
  target_link_libraries(shapelint_onnx_proto PUBLIC ${SHAPELINT_LIBPROTOBUF_LITE_A} Threads::Threads)
  target_link_libraries(shapelint_proto_runtime INTERFACE shapelint_onnx_proto)
  set(${out_ok} ON PARENT_SCOPE)
endfunction()

set(SHAPELINT_PROTO_RUNTIME_STATIC OFF)
if(SHAPELINT_STATIC_PROTOBUF)
  shapelint_static_proto_runtime(SHAPELINT_PROTO_RUNTIME_STATIC)
endif()
if(SHAPELINT_PROTO_RUNTIME_STATIC)
  message(STATUS "shapelint: ONNX protobuf classes generated from ${SHAPELINT_ONNX_ML_PROTO} for the lite runtime, "
                 "libprotobuf-lite.a linked statically")
else()
  target_link_libraries(shapelint_proto_runtime INTERFACE onnx_proto protobuf::libprotobuf)
endif()

# shapelint_proto_reflection: what a test links to read the schema itself
# (descriptors from SHAPELINT_ONNX_ML_DESCRIPTOR_SET, the FileDescriptorSet
# protoc writes for onnx-ml.proto): the full protobuf runtime.
set(SHAPELINT_ONNX_ML_DESCRIPTOR_SET ${CMAKE_BINARY_DIR}/generated/proto/onnx-ml.desc)
add_library(shapelint_proto_reflection INTERFACE)
if(Protobuf_PROTOC_EXECUTABLE AND EXISTS "${SHAPELINT_ONNX_ML_PROTO}")
  get_filename_component(schema_dir "${SHAPELINT_ONNX_ML_PROTO}" DIRECTORY)
  execute_process(COMMAND ${Protobuf_PROTOC_EXECUTABLE} -I${schema_dir} --descriptor_set_out=${SHAPELINT_ONNX_ML_DESCRIPTOR_SET}
                          ${SHAPELINT_ONNX_ML_PROTO})
endif()
if(SHAPELINT_PROTO_RUNTIME_STATIC)
  find_library(SHAPELINT_LIBPROTOBUF_A NAMES libprotobuf.a)
  target_link_libraries(shapelint_proto_reflection INTERFACE ${SHAPELINT_LIBPROTOBUF_A})
else()
  target_link_libraries(shapelint_proto_reflection INTERFACE protobuf::libprotobuf)
endif()

# libstdc++ and libgcc in the binary too, once nothing it loads (a shared
# libprotobuf) brings the shared ones; not under the sanitizers, whose
# runtimes expect the shared libstdc++.
set(SHAPELINT_STATIC_LIBSTDCXX OFF)
if(SHAPELINT_PROTO_RUNTIME_STATIC AND NOT SHAPELINT_SANITIZE AND NOT SHAPELINT_FUZZ)
  set(SHAPELINT_STATIC_LIBSTDCXX ON)
endif()
