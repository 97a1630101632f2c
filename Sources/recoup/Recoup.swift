import ArgumentParser

/// The `recoup` command: runs the server and every administrative task against the configured database.
@main
struct Recoup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recoup",
        abstract: "Recoup: debt collection that stays inside the law.",
        subcommands: [
            MigrateCommand.self, ServeCommand.self, TenantCommand.self, ClientCommand.self, APIKeyCommand.self,
            ImportCommand.self, RecallCommand.self, AuditCommand.self, DemoCommand.self, BenchCommand.self,
            CalendarCommand.self, TimeZonesCommand.self, CheckContactCommand.self, NoticeCommand.self, PurgeCommand.self,
            SendCommand.self, DispatchCommand.self, LettersCommand.self, PaymentsCommand.self, NACHACommand.self,
        ])
}
