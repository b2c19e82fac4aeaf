// lemon_mcf: the reference side of the 助乡 plan-solver benchmark (see README.md).
//
// Reads a DIMACS minimum-cost-flow file ("p min") with lemon::readDimacsMin into a SmartDigraph
// with long long capacities and costs (the plan's bonus arcs exceed 32 bits on large instances),
// runs NetworkSimplex and, on request, CostScaling, and prints for each the optimal cost, the
// solve time (reading excluded, the solver's own setup included, as in the Go side) and the
// process's peak resident set size.
//
// Usage: lemon_mcf [--algo ns|cs|both] [FILE]   (no FILE or "-": standard input)

#include <lemon/cost_scaling.h>
#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

using Graph = lemon::SmartDigraph;
using Value = long long;

static long peakMB() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;  // Linux reports kilobytes
}

static double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

static const char* status(int s, int optimal, int infeasible) {
  if (s == optimal) return "optimal";
  if (s == infeasible) return "infeasible";
  return "unbounded";
}

int main(int argc, char** argv) {
  std::string algo = "ns", path = "-";
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--algo") == 0 && i + 1 < argc) {
      algo = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] != 0) {
      std::fprintf(stderr, "usage: lemon_mcf [--algo ns|cs|both] [FILE]\n");
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (algo != "ns" && algo != "cs" && algo != "both") {
    std::fprintf(stderr, "lemon_mcf: --algo must be ns, cs or both\n");
    return 2;
  }

  Graph g;
  Graph::ArcMap<Value> lower(g), capacity(g), cost(g);
  Graph::NodeMap<Value> supply(g);
  auto t0 = std::chrono::steady_clock::now();
  try {
    if (path == "-") {
      std::ios::sync_with_stdio(false);
      lemon::readDimacsMin(std::cin, g, lower, capacity, cost, supply);
    } else {
      std::ifstream in(path);
      if (!in) {
        std::fprintf(stderr, "lemon_mcf: cannot open %s\n", path.c_str());
        return 1;
      }
      lemon::readDimacsMin(in, g, lower, capacity, cost, supply);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lemon_mcf: %s\n", e.what());
    return 1;
  }
  std::printf("read            nodes %d  arcs %d  %.3f s  peak RSS %ld MB\n", lemon::countNodes(g),
              lemon::countArcs(g), since(t0), peakMB());
  std::fflush(stdout);

  if (algo == "ns" || algo == "both") {
    t0 = std::chrono::steady_clock::now();
    lemon::NetworkSimplex<Graph, Value, Value> ns(g);
    ns.lowerMap(lower).upperMap(capacity).costMap(cost).supplyMap(supply);
    auto s = ns.run();
    double secs = since(t0);
    using NS = lemon::NetworkSimplex<Graph, Value, Value>;
    std::printf("NetworkSimplex  %s  cost %lld  solve %.3f s  peak RSS %ld MB\n",
                status(s, NS::OPTIMAL, NS::INFEASIBLE), s == NS::OPTIMAL ? ns.totalCost<Value>() : 0LL,
                secs, peakMB());
    std::fflush(stdout);
  }
  if (algo == "cs" || algo == "both") {
    t0 = std::chrono::steady_clock::now();
    lemon::CostScaling<Graph, Value, Value> cs(g);
    cs.lowerMap(lower).upperMap(capacity).costMap(cost).supplyMap(supply);
    auto s = cs.run();
    double secs = since(t0);
    using CS = lemon::CostScaling<Graph, Value, Value>;
    std::printf("CostScaling     %s  cost %lld  solve %.3f s  peak RSS %ld MB\n",
                status(s, CS::OPTIMAL, CS::INFEASIBLE), s == CS::OPTIMAL ? cs.totalCost<Value>() : 0LL,
                secs, peakMB());
  }
  return 0;
}
