import Foundation
import Testing
@testable import PhaseSpaceIO

@Suite("AtomicOutput")
struct AtomicOutputTests {
    @Test("Refuses an existing destination unless asked to overwrite")
    func refusesExisting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let destination = directory.file("run.h5")
        _ = FileManager.default.createFile(atPath: destination, contents: Data("old".utf8))
        let error = #expect(throws: PhaseSpaceIOError.self) { try AtomicOutput(destination: destination, overwrite: false) }
        #expect(error?.kind == .fileExists)
        #expect(error?.description == "Output file \(destination) already exists; pass --overwrite or choose another path with -o.")

        let output = try AtomicOutput(destination: destination, overwrite: true)
        try SampleRun.make(d: 1, frames: 1).write(to: output.temporaryPath)
        try output.commit()
        #expect(try NetCDFReader(path: destination).attribute("Conventions") == .text("CF-1.10"))
        #expect(directory.contents() == ["run.h5"])
    }

    @Test("Writes under a hidden name beside the destination and renames on commit")
    func commit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let destination = directory.file("run.h5")
        let output = try AtomicOutput(destination: destination, overwrite: false)
        #expect((output.temporaryPath as NSString).deletingLastPathComponent == directory.path)
        #expect((output.temporaryPath as NSString).lastPathComponent == ".run.h5.partial-\(getpid())")
        try SampleRun.make(d: 1, frames: 1).write(to: output.temporaryPath)
        #expect(!FileManager.default.fileExists(atPath: destination), "nothing at the destination before commit")
        try output.commit()
        #expect(directory.contents() == ["run.h5"])
        #expect(throws: PhaseSpaceIOError.self) { try output.commit() }  // nothing left to commit
    }

    @Test("Commit without overwrite does not replace a file that appeared meanwhile")
    func raceOnCommit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let destination = directory.file("run.h5")
        let output = try AtomicOutput(destination: destination, overwrite: false)
        _ = FileManager.default.createFile(atPath: output.temporaryPath, contents: Data("new".utf8))
        _ = FileManager.default.createFile(atPath: destination, contents: Data("other".utf8))
        let error = #expect(throws: PhaseSpaceIOError.self) { try output.commit() }
        #expect(error?.kind == .fileExists)
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "other")
        output.abandon()
        #expect(directory.contents() == ["run.h5"])
    }

    @Test("Abandon leaves no temporary file and no destination")
    func abandon() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let destination = directory.file("run.h5")
        let output = try AtomicOutput(destination: destination, overwrite: false)
        let writer = try RunOutputWriter(path: output.temporaryPath, layout: SampleRun.make(d: 1).layout)
        try writer.close()
        #expect(FileManager.default.fileExists(atPath: output.temporaryPath))
        output.abandon()
        #expect(directory.contents().isEmpty)
        output.abandon()  // harmless twice
    }

    @Test("Rejects a missing or unwritable directory, and a directory as destination")
    func badDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = #expect(throws: PhaseSpaceIOError.self) {
            try AtomicOutput(destination: directory.file("absent/run.h5"), overwrite: false)
        }
        #expect(missing?.kind == .notFound)
        #expect(missing?.description.contains("does not exist") == true)
        let isDirectory = #expect(throws: PhaseSpaceIOError.self) { try AtomicOutput(destination: directory.path, overwrite: true) }
        #expect(isDirectory?.kind == .invalidArgument)
        // Root may write anywhere, so the permission check is only meaningful for other users.
        if getuid() != 0 {
            let locked = directory.file("locked")
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o500])
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: locked) }
            let error = #expect(throws: PhaseSpaceIOError.self) { try AtomicOutput(destination: locked + "/run.h5", overwrite: false) }
            #expect(error?.kind == .notWritable)
        }
    }
}
