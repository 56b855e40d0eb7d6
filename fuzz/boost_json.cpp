// Boost.JSON compiled from source into the fuzz build, so the JSON parser is
// instrumented (coverage feedback and sanitizers) instead of the system's
// uninstrumented libboost_json.
#include <boost/json/src.hpp>
