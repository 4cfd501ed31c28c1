import ArgumentParser
import Foundation
import PhaseSpaceIO

/// `--no-xdmf`, and the ParaView sidecar written beside a finished output (`run.h5` → `run.xmf`).
struct SidecarOption: ParsableArguments {
    @Flag(name: .customLong("no-xdmf"), help: "Do not write the XDMF sidecar (<output>.xmf) that lets ParaView open the file.")
    var disabled = false

    /// Before any work: refuses to replace a `.xmf` that sgdfp did not write, unless `overwrite`.
    func check(output: String, overwrite: Bool) throws {
        guard !disabled, !XDMFSidecar.mayWrite(for: output, overwrite: overwrite) else { return }
        throw CommandError("File \(XDMFSidecar.path(for: output)) exists and was not written by sgdfp; pass --overwrite, --no-xdmf, or choose another -o.")
    }

    /// After the output is committed: a failure leaves the HDF5 file complete but is an error all the same.
    /// With `--no-xdmf` an earlier sidecar of sgdfp's is removed, since it would describe the replaced file.
    func write(output: String, quiet: Bool) throws {
        guard !disabled else {
            let stale = XDMFSidecar.path(for: output)
            if FileManager.default.fileExists(atPath: stale), XDMFSidecar.mayWrite(for: output, overwrite: false) {
                try? FileManager.default.removeItem(atPath: stale)
            }
            return
        }
        do {
            if let path = try XDMFSidecar.write(for: output), !quiet { print("wrote \(path) (open it in ParaView)") }
        } catch {
            throw CommandError("\(output) is complete, but its XDMF sidecar \(XDMFSidecar.path(for: output)) could not be written (\(error)); free space and rerun with --overwrite, or pass --no-xdmf")
        }
    }
}
