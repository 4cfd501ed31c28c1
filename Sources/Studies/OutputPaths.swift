import Foundation
import RunConfiguration

/// The paths a run writes besides its output must not be the output itself.
public enum OutputPaths {
    /// Refuses an output path that is also something the run reads or writes besides it: the run file, the
    /// run's FFTW wisdom, its XDMF sidecar or its report.
    public static func check(_ output: String, runFile: String?, configuration: RunConfiguration, sidecar: String?, report: String?) throws {
        let target = URL(fileURLWithPath: output).standardizedFileURL.path
        var others: [(String, String)] = []
        if let runFile { others.append((runFile, "the run file")) }
        if case let .file(wisdom) = configuration.grid.wisdom { others.append((wisdom, "the FFTW wisdom file ([grid] wisdom)")) }
        if let sidecar { others.append((sidecar, "its own XDMF sidecar")) }
        if let report { others.append((report, "its own report")) }
        for (path, what) in others where URL(fileURLWithPath: path).standardizedFileURL.path == target {
            throw StudyError("The output \(output) is also \(what); name the HDF5 output differently, e.g. with the extension .h5.")
        }
    }

    /// Bytes free to an unprivileged writer on the file system `path` would be written to, when known.
    public static func freeBytes(for path: String) -> Double? {
        var info = statvfs()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard statvfs(directory, &info) == 0 else { return nil }
        return Double(info.f_bavail) * Double(info.f_frsize)
    }
}
