// Package flow computes the 助乡 plan exactly: which offer (资源供给) serves which need (帮扶需求).
//
// A need takes at most one of its candidate offers, an offer serves at most its capacity, and a
// need may belong to a key-village group (重点村). The plan maximises first the number of groups
// with at least one matched need (coverage), then the total score of the matches. Solve finds
// that optimum; WriteDIMACS writes the same problem as a standard min-cost-flow file so that an
// independent solver (LEMON, see bench/lemon) can confirm the optimal value.
//
// # The min-cost-flow model
//
// Nodes (1-based ids in the DIMACS file): need i is node i (1..N), offer j is N+1+j, the
// collector U_g of group g is N+M+1+g, and the sink T is N+M+G+1. Each need has supply 1 and T
// has supply -N; no other node has supply. Arcs, all with lower bound 0:
//
//	need i → offer j     cap 1          cost -score   one per candidate arc
//	need i → U_g         cap 1          cost 0        if i is in group g (i stays unmatched)
//	need i → T           cap 1          cost 0        if i is in no group (i stays unmatched)
//	offer j → T          cap capacity   cost 0
//	U_g → T              cap size_g-1   cost 0        if the group has at least 2 needs
//	U_g → T              cap 1          cost Bonus    if the group has at least 1 need
//
// A group whose needs all stay unmatched sends size_g units through U_g, so exactly one of them
// pays Bonus; a group with a matched need pays nothing. Hence, for every plan,
//
//	Cost = -Score + Bonus × (G₊ - Reached)
//
// where G₊ is the number of groups with at least one need. Bonus (Problem.Bonus) exceeds any
// attainable total score, so minimising Cost maximises Reached first and Score second: the
// flow optimum is the lexicographic optimum, and Solution.Cost is the optimal value any
// min-cost-flow solver reports on the written file. Costs exceed 32 bits on large instances;
// everything is int64.
//
// # Algorithms
//
// Solve works on that network without building it: residual arcs are derived from the current
// assignment, arrays are int32 and indexed by node, and there are no maps.
//
// It first runs successive shortest paths: needs are added one at a time and each one's unit is
// routed along a shortest residual path (Dijkstra on reduced costs with a radix heap, stopping as
// soon as the sink is settled; potentials keep reduced costs non-negative). While offers have
// room this settles a handful of nodes per need and is far faster than a general solver. When
// the offers near many needs are full (demand at or above capacity), each new need must prove
// which of many equally tight competitors to displace, and the searches grow to thousands of
// nodes; once they have settled more than 150 nodes per need added so far, Solve switches to
// cost scaling (push–relabel with epsilon-scaling, in the bidding form Goldberg and Kennedy use
// for assignment), whose work does not blow up there. Both methods are exact; the switch depends
// only on counted work, so the result is deterministic. docs/PERFORMANCE.md has the measurements
// against LEMON.
//
// The package's tests carry a small generic min-cost-flow model (Graph), a deliberately simple
// reference solver (Graph.MinCostFlow, Bellman–Ford successive shortest paths) and a DIMACS
// reader (ReadDIMACS), to check WriteDIMACS and Solve independently of each other; they live in
// _test.go files because nothing but the tests needs them.
package flow
