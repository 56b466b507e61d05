import Experiments
import Foundation
import QuantLabCLI

exit(QuantLabCommandLine.run(Array(CommandLine.arguments.dropFirst()), console: Console(capture: false),
                             extraCommands: [ExperimentCommand.self]))
