#pragma once
// How long route writes take, process-wide: from the router being asked to set a weight (right
// after the step decision) to the API server acknowledging the write. Served on the controller's
// /metrics as the histogram pennant_route_write_seconds (the scale benchmark reads it).
#include <chrono>
#include <string>

namespace pennant::router::gatewayapi {

void observeRouteWrite(std::chrono::duration<double> elapsed);
// Prometheus text format of the histogram.
std::string routeWriteExposition();

}  // namespace pennant::router::gatewayapi
