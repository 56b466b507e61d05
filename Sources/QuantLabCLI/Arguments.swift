/// A mistake in how a command was called: exit status 2, with a pointer to `--help`.
public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A problem with what the command was given (a file, a value): exit status 1.
public struct InputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What a command accepts. Parsing is strict: an unknown option, a missing value or a surplus argument is an error.
public struct ArgumentSpec: Sendable {
    public var flags: [String: String] = [:]        // --name: help
    public var options: [String: (value: String, help: String)] = [:]
    public var repeatable: Set<String> = []
    public var positionals: [(name: String, help: String)] = []
    public var optionalPositionals: Int = 0          // how many trailing positionals may be left out

    public init() {}

    public mutating func flag(_ name: String, _ help: String) { flags[name] = help }
    public mutating func option(_ name: String, value: String, _ help: String, repeatable: Bool = false) {
        options[name] = (value, help)
        if repeatable { self.repeatable.insert(name) }
    }
    public mutating func positional(_ name: String, _ help: String) { positionals.append((name, help)) }
}

/// The result of parsing one command line against a spec.
public struct ParsedArguments {
    public let command: String
    public private(set) var flags: Set<String> = []
    public private(set) var options: [String: [String]] = [:]
    public private(set) var positionals: [String] = []

    public init(command: String, arguments: [String], spec: ArgumentSpec) throws {
        self.command = command
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                positionals += arguments[index...]
                break
            }
            guard argument.hasPrefix("-"), argument.count > 1 else {
                positionals.append(argument)
                continue
            }
            var name = argument, inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if spec.flags[name] != nil {
                guard inlineValue == nil else { throw UsageError("\(name) takes no value; see 'quantlab \(command) --help'") }
                flags.insert(name)
            } else if spec.options[name] != nil {
                let value: String
                if let inlineValue { value = inlineValue } else {
                    guard index < arguments.count else { throw UsageError("\(name) needs a value (\(spec.options[name]!.value)); see 'quantlab \(command) --help'") }
                    value = arguments[index]
                    index += 1
                }
                if options[name] != nil && !spec.repeatable.contains(name) {
                    throw UsageError("\(name) given twice; see 'quantlab \(command) --help'")
                }
                options[name, default: []].append(value)
            } else {
                throw UsageError("unknown option '\(name)' for 'quantlab \(command)'; see 'quantlab \(command) --help'")
            }
        }
        let required = spec.positionals.count - spec.optionalPositionals
        if positionals.count < required {
            let missing = spec.positionals[positionals.count].name
            throw UsageError("missing \(missing); see 'quantlab \(command) --help'")
        }
        if positionals.count > spec.positionals.count {
            throw UsageError("unexpected argument '\(positionals[spec.positionals.count])'; see 'quantlab \(command) --help'")
        }
    }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }
    public func value(_ option: String) -> String? { options[option]?.last }
    public func values(_ option: String) -> [String] { options[option] ?? [] }
    public func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    /// An integer option within `range`, or `defaultValue` when absent.
    public func int(_ option: String, default defaultValue: Int, in range: ClosedRange<Int> = 1...Int.max) throws -> Int {
        guard let text = value(option) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("\(option) expects an integer in \(range.lowerBound)...\(range.upperBound == Int.max ? "" : String(range.upperBound)), got '\(text)'")
        }
        return number
    }
}
