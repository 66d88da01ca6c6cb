// The "statistics" object of --statistics, shared by the JSON and SARIF
// reporters. Private to src/report.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "shapelint/report/report.h"

namespace shapelint::report {

// {"models": 3, "load_errors": 0, "errors": 1, "warnings": 2, "notes": 0,
//  "rules": [{"code": "SL204", "rule": "floor-truncation", "count": 2}, ...]}
// with "rules" ordered as countByRule orders them.
nlohmann::ordered_json statisticsToJson(const std::vector<ModelReport>& reports);

}  // namespace shapelint::report
