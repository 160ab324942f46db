#include "tools/meshctl/command.h"

namespace weft::meshctl {

void PrintProblems(const CommandEnv& env, const std::string& header,
                   const config::ProblemList& problems) {
  *env.err << header << " (" << problems.size()
           << (problems.size() == 1 ? " problem):\n" : " problems):\n");
  for (const config::ConfigProblem& problem : problems.problems()) {
    *env.err << "  " << problem.ToString() << "\n";
  }
}

}  // namespace weft::meshctl
