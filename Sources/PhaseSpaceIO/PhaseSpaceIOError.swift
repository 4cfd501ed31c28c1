/// An error of the HDF5/netCDF layer. `description` is one sentence that says what is wrong and what to
/// change.
public struct PhaseSpaceIOError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for callers that react differently to different failures.
    public enum Kind: Sendable, Equatable {
        /// The output file exists and overwriting was not requested.
        case fileExists
        /// A file, directory, variable or dimension does not exist.
        case notFound
        /// The directory for an output file cannot be written.
        case notWritable
        /// The file is not an HDF5 (netCDF-4) file.
        case notHDF5
        /// The file is HDF5 but not an sgdfp run file, or lacks what the caller needs.
        case notRunFile
        /// The caller passed something inconsistent (wrong length, unknown dimension, duplicate name ...).
        case invalidArgument
        /// The HDF5 library reported a failure.
        case library
    }

    /// The category of the failure.
    public let kind: Kind
    /// The one-sentence message.
    public let message: String

    /// Makes an error with its category and one-sentence message.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
