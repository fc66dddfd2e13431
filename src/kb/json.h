// The model as JSON, with the YAML's keys (plus "at": "file:line:column" where a thing was
// written). Used by `cases show --json` and by the catalogue, which stores each case and signal
// as JSON so that commands load them without parsing YAML. from_json(to_json(x)) == x.
#pragma once

#include <nlohmann/json.hpp>

#include "kb/model.h"

namespace faultline::kb {

using Json = nlohmann::ordered_json;

Json to_json(const Case& c);
Json to_json(const Signal& s);
/// Throws Error if the JSON lacks a key this schema writes (a catalogue from another version).
Case case_from_json(const Json& j);
Signal signal_from_json(const Json& j);

}  // namespace faultline::kb
