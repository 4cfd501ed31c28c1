/// A problem a study found in its input or its result, in one sentence that says what to change.
public struct StudyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
