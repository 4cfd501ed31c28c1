import Foundation
import Testing
@testable import PhaseSpaceIO
#if canImport(Glibc)
import Glibc
#endif

/// Other programs open the files as written: HDF5's and netCDF's command-line tools, and (with
/// SGDFP_PYTHON pointing at the python of scripts/python-env.sh) xarray, netCDF4 and h5py.
@Suite("Interoperability with h5dump, ncdump, xarray, netCDF4 and h5py")
struct InteroperabilityTests {
    static let headerToolsInstalled = executablePath("h5dump") != nil && executablePath("ncdump") != nil
    static let python = ProcessInfo.processInfo.environment["SGDFP_PYTHON"]

    /// scripts/check_netcdf.py of the repository this test file lives in (symlinks resolved, so that a
    /// scratch package linking to the test directory finds it too).
    static var checkScript: String {
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let file = realpath(#filePath, &resolved) != nil
            ? String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : #filePath
        return URL(fileURLWithPath: file)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/check_netcdf.py").path
    }

    @Test("h5dump -H and ncdump -h open run files", .enabled(if: headerToolsInstalled), arguments: [1, 2])
    func headerTools(d: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("run.h5")
        try SampleRun.make(d: d).write(to: path)

        let h5dump = try run(executablePath("h5dump")!, ["-H", path], in: directory)
        #expect(h5dump.status == 0, "h5dump -H failed: \(h5dump.error)")
        #expect(h5dump.output.contains("ATTRIBUTE \"DIMENSION_LIST\""), "variables have dimension scales attached")

        let ncdump = try run(executablePath("ncdump")!, ["-h", path], in: directory)
        #expect(ncdump.status == 0, "ncdump -h failed: \(ncdump.error)")
        let axes = d == 1 ? "theta, v" : "theta1, theta2, v1, v2"
        for line in ["t = UNLIMITED", "double density(t, \(axes))", "double covariance(t, component, component_b)",
                     "int component(component)", ":Conventions = \"CF-1.10\"", "density:units = \"1\""] {
            #expect(ncdump.output.contains(line), "ncdump -h lacks \"\(line)\":\n\(ncdump.output)")
        }
        #expect(!ncdump.output.contains("phony_dim"))
    }

    @Test("xarray (h5netcdf and netcdf4 engines), netCDF4 and h5py read back what was written",
          .enabled(if: python != nil), arguments: [1, 2])
    func pythonReaders(d: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = SampleRun.make(d: d)
        let path = directory.file("run.h5")
        try run.write(to: path)
        let expectation = directory.file("expected.json")
        try run.expectationJSON.write(toFile: expectation, atomically: true, encoding: .utf8)

        #expect(FileManager.default.fileExists(atPath: Self.checkScript), "missing \(Self.checkScript)")
        let result = try PhaseSpaceIOTests.run(Self.python!, [Self.checkScript, path, expectation], in: directory)
        #expect(result.status == 0, "check_netcdf.py failed:\n\(result.error)\(result.output)")
    }
}
