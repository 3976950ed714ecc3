#include "load/load_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace pennant::load {

std::string grpcCodeName(int code) {
  static constexpr std::array<const char*, 17> kNames = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  if (code >= 0 && code < static_cast<int>(kNames.size())) return kNames[code];
  return "CODE_" + std::to_string(code);
}

int64_t Report::count(const std::map<std::string, int64_t>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

void Report::add(const CallRecord& call, bool keep) {
  ++calls;
  messages += call.messages;
  const std::string code = call.http ? std::to_string(call.code) : grpcCodeName(call.code);
  const std::string version = call.version.empty() ? kNoVersion : call.version;
  ++byCode[code];
  ++byVersion[version];
  ++byVersionAndCode[version][code];
  for (const auto& [name, value] : call.headers) ++byHeader[name][value];
  latencies.push_back(call.latency);
  if (keep) records.push_back(call);
}

void Report::finish(double wallSeconds) {
  seconds = wallSeconds;
  std::sort(latencies.begin(), latencies.end());
}

double Report::latencyMs(double q) const {
  if (latencies.empty()) return 0;
  // Nearest rank: the smallest latency with at least q of the calls at or below it.
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(latencies.size())));
  rank = std::clamp<size_t>(rank, 1, latencies.size());
  return static_cast<double>(latencies[rank - 1].count()) / 1000.0;
}

Json Report::toJson() const {
  Json out = {{"calls", calls},
              {"messages", messages},
              {"seconds", seconds},
              {"callsPerSecond", seconds > 0 ? static_cast<double>(calls) / seconds : 0.0},
              {"byCode", byCode},
              {"byVersion", byVersion},
              {"byVersionAndCode", byVersionAndCode},
              {"latencyMs",
               {{"p50", latencyMs(0.5)}, {"p90", latencyMs(0.9)}, {"p99", latencyMs(0.99)}, {"max", latencyMs(1)}}}};
  if (!byHeader.empty()) out["byHeader"] = byHeader;
  return out;
}

std::string Report::toText() const {
  auto line = [](const std::map<std::string, int64_t>& m) {
    std::string s;
    for (const auto& [k, v] : m) s += fmt::format("  {} {}", k, v);
    return s;
  };
  std::string out = fmt::format("calls {} in {:.2f}s ({:.1f}/s)", calls, seconds,
                                seconds > 0 ? static_cast<double>(calls) / seconds : 0.0);
  if (messages != calls) out += fmt::format(", {} messages", messages);
  out += "\nby code:   " + line(byCode) + "\nby version:" + line(byVersion) + "\n";
  for (const auto& [header, values] : byHeader) out += "by " + header + ":" + line(values) + "\n";
  out += fmt::format("latency ms:  p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  max {:.2f}\n", latencyMs(0.5), latencyMs(0.9),
                     latencyMs(0.99), latencyMs(1));
  return out;
}

}  // namespace pennant::load
