/// A problem with a run file or an override; `description` is one sentence saying what to change.
public struct RunConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of problem this is, for callers that react differently (tests, exit codes).
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be read.
        case unreadableFile
        /// TOML or JSON syntax error (the message carries line and column).
        case syntax
        /// A section name that does not exist.
        case unknownSection
        /// A key name that does not exist in its section.
        case unknownKey
        /// A value of the wrong type (a string where a number is meant, 1.5 where an integer is meant, ...).
        case wrongType
        /// A list or matrix of the wrong length or shape for the dimension d.
        case wrongShape
        /// A value outside its allowed range (negative, not finite, not positive definite, ...).
        case invalidValue
        /// A key that the chosen model or kind needs is absent.
        case missingCompanion
        /// A command-line override that is not of the form section.key.
        case malformedOverride
    }

    public let kind: Kind
    /// The key concerned, as "section.key", when there is one.
    public let key: String?
    public let description: String

    /// An error of `kind` about `key` ("section.key"), with its one-sentence message.
    public init(_ kind: Kind, key: String? = nil, _ description: String) {
        self.kind = kind
        self.key = key
        self.description = description
    }
}
