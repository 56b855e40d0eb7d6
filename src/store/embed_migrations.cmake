# Generates a .cpp holding every migrations/NNN_name.sql as a raw string
# literal (store/migrations.h). Run by CMake at build time:
#   cmake -DSRC_DIR=... -DOUT=... -P embed_migrations.cmake
file(GLOB files RELATIVE "${SRC_DIR}" "${SRC_DIR}/*.sql")
list(SORT files)
set(delim "opsdeck_sql")
set(body "")
set(expected 1)
foreach(f ${files})
  if(NOT f MATCHES "^([0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "migration file name must be NNN_name.sql: ${f}")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  if(NOT version EQUAL expected)
    message(FATAL_ERROR "migration ${f}: expected version ${expected} (numbers are contiguous)")
  endif()
  math(EXPR expected "${expected} + 1")
  file(READ "${SRC_DIR}/${f}" sql)
  string(FIND "${sql}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migration ${f} contains the raw-string delimiter")
  endif()
  string(APPEND body "    {${version}, \"${name}\", R\"${delim}(${sql})${delim}\"},\n")
endforeach()
set(content "// Generated from src/store/migrations/*.sql by embed_migrations.cmake. Do not edit.
#include \"store/migrations.h\"

namespace opsdeck::store {
namespace {
const Migration kMigrations[] = {
${body}};
}  // namespace

std::span<const Migration> EmbeddedMigrations() { return kMigrations; }

}  // namespace opsdeck::store
")
# Only touch the output when it changed, so unrelated builds stay incremental.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${content}")
