import APISpec
import Compliance
import Foundation
import Messaging
import HTTPTypes
import OpenAPIRuntime
import RecoupApp
import RecoupCore
import Templates

/// Implements the generated API protocol: each handler parses its input, calls one use case with the caller's
/// scope, and maps the result. No SQL and no business rules here.
struct APIHandlers: APIProtocol {
    let services: APIServices
    let limits: APILimits
    let engine = ComplianceEngine()

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        let database = await services.databaseCheck()
        return .ok(.init(body: .json(.init(status: database ? "ok" : "degraded", database: database ? "ok" : "unreachable"))))
    }

    // MARK: Accounts

    func listAccounts(_ input: Operations.ListAccounts.Input) async throws -> Operations.ListAccounts.Output {
        let principal = try RequestPrincipal.require()
        let q = input.query
        let filter = AccountFilter(
            clientID: try q.clientId.map { try parse($0, ClientID.self, "client_id") },
            status: q.status.flatMap { AccountStatus(rawValue: $0.rawValue) },
            placementID: try q.placementId.map { try parse($0, PlacementID.self, "placement_id") },
            clientAccountNumber: q.clientAccountNumber, ssnLastFour: q.ssnLast4,
            state: try q.state.map { state in
                guard let value = USState(code: state) else {
                    throw RecoupError.invalid([FieldProblem(field: "state", reason: "not a US state code")])
                }
                return value
            })
        let page = try await services.accounts.list(
            scope: principal.scope, filter: filter, limit: q.limit ?? 50, cursor: q.cursor)
        return .ok(.init(body: .json(.init(items: page.items.map(APIMapping.summary), nextCursor: page.nextCursor))))
    }

    func getAccount(_ input: Operations.GetAccount.Input) async throws -> Operations.GetAccount.Output {
        let principal = try RequestPrincipal.require()
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        let account = try await services.accounts.account(id, scope: principal.scope)
        return .ok(.init(body: .json(try await detail(account, principal))))
    }

    func recallAccount(_ input: Operations.RecallAccount.Input) async throws -> Operations.RecallAccount.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canRecall else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot recall accounts") }
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        var reason: String?
        if case let .json(body)? = input.body { reason = body.reason }
        _ = try await services.accounts.account(id, scope: principal.scope)
        _ = try await services.accounts.recall(ids: [id], scope: principal.scope, actor: principal.actor, reason: reason)
        let account = try await services.accounts.account(id, scope: principal.scope)
        return .ok(.init(body: .json(try await detail(account, principal))))
    }

    func recordContact(_ input: Operations.RecordContact.Input) async throws -> Operations.RecordContact.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("record contacts")
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send the contact as application/json")])
        }
        var problems: [FieldProblem] = []
        func vocabulary<T: RawRepresentable>(_ raw: String?, _ field: String, _: T.Type) -> T? where T.RawValue == String {
            guard let raw else { return nil }
            guard let value = T(rawValue: raw) else {
                problems.append(FieldProblem(field: field, reason: "\(raw) is not a known value"))
                return nil
            }
            return value
        }
        let destination = try body.destinationId.map { try parse($0, ContactPointID.self, "destination_id") }
        let contentType = vocabulary(body.contentType, "content_type", ContentType.self)
        guard let direction = Direction(rawValue: body.direction.rawValue), let channel = HistoryChannel(rawValue: body.channel.rawValue),
              let outcome = ContactOutcome(rawValue: body.outcome.rawValue), problems.isEmpty
        else { throw RecoupError.invalid(problems) }
        let (contact, created) = try await services.contacts.record(
            account: id, occurredAt: body.occurredAt, direction: direction, channel: channel, destinationID: destination,
            dialingMethod: body.dialingMethod.flatMap { DialingMethod(rawValue: $0.rawValue) }, outcome: outcome,
            contentType: contentType, idempotencyKey: input.headers.idempotencyKey, scope: principal.scope, actor: principal.actor)
        let answer = APIMapping.contact(contact)
        return created ? .created(.init(body: .json(answer))) : .ok(.init(body: .json(answer)))
    }

    func recordFact(_ input: Operations.RecordFact.Input) async throws -> Operations.RecordFact.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("record facts")
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body, let kind = RecordedFactKind(rawValue: body.kind.rawValue) else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send {kind, fact} as application/json")])
        }
        let recorded = try await services.facts.record(
            account: id, kind: kind, fact: try JSONEncoder().encode(body.fact), scope: principal.scope, actor: principal.actor)
        return .created(.init(body: .json(try APIMapping.fact(recorded))))
    }

    func listFacts(_ input: Operations.ListFacts.Input) async throws -> Operations.ListFacts.Output {
        let principal = try RequestPrincipal.require()
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        let items = try await services.facts.facts(account: id, scope: principal.scope).map(APIMapping.fact)
        return .ok(.init(body: .json(.init(items: items))))
    }

    func listContacts(_ input: Operations.ListContacts.Input) async throws -> Operations.ListContacts.Output {
        let principal = try RequestPrincipal.require()
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        let items = try await services.contacts.history(account: id, scope: principal.scope).map(APIMapping.contact)
        return .ok(.init(body: .json(.init(items: items))))
    }

    func getContactability(_ input: Operations.GetContactability.Input) async throws -> Operations.GetContactability.Output {
        let principal = try RequestPrincipal.require()
        // Staff only: the answer shows the consumer's numbers and addresses, which may come from another
        // creditor's file (the redaction a client key gets on consumers).
        try principal.requireStaff("see contactability")
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        let collector = try await services.letterhead(principal.scope.tenantID)
        let (now, entries) = try await services.contactability.contactability(id, scope: principal.scope, collectorName: collector.name)
        let items = entries.map { entry -> Components.Schemas.ContactabilityItem in
            let decision = entry.decision
            let deciding = APIMapping.deciding(decision)
            return .init(
                channel: .init(rawValue: entry.channel.rawValue) ?? .call, destinationId: entry.destinationID,
                destination: entry.destination, allowed: decision.allowed, rule: decision.rule, citation: deciding.citation,
                message: deciding.message, nextAllowedAt: decision.nextAllowedAt.map { decision.zone.iso8601($0) })
        }
        let zone = entries.first?.decision.zone
        return .ok(.init(body: .json(.init(
            accountId: id.description, asOf: zone?.iso8601(now) ?? "\(now.date)", items: items))))
    }

    func sendMessage(_ input: Operations.SendMessage.Input) async throws -> Operations.SendMessage.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("send messages")
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send the message as application/json")])
        }
        let destination = try body.destinationId.map { try parse($0, ContactPointID.self, "destination_id") }
        let collector = try await services.letterhead(principal.scope.tenantID)
        let channel: ProposedChannel = switch body.channel {
        case .sms: .sms
        case .letter: .letter
        case .email: .email
        case .voicemail: .voicemail
        }
        switch try await services.messages.send(
            channel, account: id, destination: destination, subject: body.subject, text: body.text,
            letter: body.letter.flatMap { LetterKind(rawValue: $0.rawValue) }, template: body.template, scope: principal.scope,
            actor: principal.actor, collectorName: collector.name, idempotencyKey: input.headers.idempotencyKey)
        {
        case let .queued(message, created):
            let answer = APIMapping.communication(message)
            return created ? .accepted(.init(body: .json(answer))) : .ok(.init(body: .json(answer)))
        case let .refused(decision):
            return .conflict(.init(body: .applicationProblemJson(APIMapping.refusal(decision))))
        }
    }

    func placeCall(_ input: Operations.PlaceCall.Input) async throws -> Operations.PlaceCall.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("place calls")
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        guard case let .json(body) = input.body else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send the call as application/json")])
        }
        let destination = try body.destinationId.map { try parse($0, ContactPointID.self, "destination_id") }
        let collector = try await services.letterhead(principal.scope.tenantID)
        switch try await services.calls.clickToCall(
            account: id, destination: destination, agentPhone: body.agentPhone, idempotencyKey: input.headers.idempotencyKey,
            scope: principal.scope, actor: principal.actor, collectorName: collector.name)
        {
        case let .placed(call, created):
            let answer = APIMapping.call(call)
            return created ? .created(.init(body: .json(answer))) : .ok(.init(body: .json(answer)))
        case let .refused(decision):
            return .conflict(.init(body: .applicationProblemJson(APIMapping.refusal(decision))))
        }
    }

    func listCalls(_ input: Operations.ListCalls.Input) async throws -> Operations.ListCalls.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("see calls")  // calls carry the consumer's numbers
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        let items = try await services.calls.calls(account: id, scope: principal.scope).map(APIMapping.call)
        return .ok(.init(body: .json(.init(items: items))))
    }

    func dispositionCall(_ input: Operations.DispositionCall.Input) async throws -> Operations.DispositionCall.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("record call outcomes")
        let id = try parseUUID(input.path.callId, "call_id")
        guard case let .json(body) = input.body, let outcome = ContactOutcome(rawValue: body.outcome.rawValue) else {
            throw RecoupError.invalid([FieldProblem(field: "outcome", reason: "send the outcome as application/json")])
        }
        let call = try await services.calls.disposition(call: id, outcome: outcome, scope: principal.scope, actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.call(call))))
    }

    func listCommunications(_ input: Operations.ListCommunications.Input) async throws -> Operations.ListCommunications.Output {
        let principal = try RequestPrincipal.require()
        // Staff only: messages carry the consumer's addresses (see contactability).
        try principal.requireStaff("see communications")
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        let items = try await services.messages.communications(account: id, scope: principal.scope).map(APIMapping.communication)
        return .ok(.init(body: .json(.init(items: items))))
    }

    func recordReturnedMail(_ input: Operations.RecordReturnedMail.Input) async throws -> Operations.RecordReturnedMail.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("record returned mail")
        let id = try parseUUID(input.path.messageId, "message_id")
        guard case let .json(body) = input.body, let reason = ReturnReason(rawValue: body.reason.rawValue) else {
            throw RecoupError.invalid([FieldProblem(field: "reason", reason: "send the return endorsement as application/json")])
        }
        let letter = try await services.returnedMail.record(letter: id, reason: reason, scope: principal.scope, actor: principal.actor)
        let communications = try await services.messages.communications(account: letter.accountID, scope: principal.scope)
        guard let (message, events) = communications.first(where: { $0.0.id == id }) else { throw RecoupError.notFound("letter") }
        return .ok(.init(body: .json(APIMapping.communication(message, events: events))))
    }

    func listTemplates(_ input: Operations.ListTemplates.Input) async throws -> Operations.ListTemplates.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("see templates")
        let (saved, shipped) = try await services.templates.list(scope: principal.scope)
        let items = saved.map { APIMapping.template($0, shipped: false) } + shipped.map { APIMapping.template($0, shipped: true) }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func saveTemplate(_ input: Operations.SaveTemplate.Input) async throws -> Operations.SaveTemplate.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("save templates")
        guard case let .json(body) = input.body else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send the template as application/json")])
        }
        let saved = try await services.templates.save(try APIMapping.template(body, tenantID: principal.scope.tenantID), scope: principal.scope,
                                                      actor: principal.actor)
        return .created(.init(body: .json(APIMapping.template(saved, shipped: false))))
    }

    func getTemplate(_ input: Operations.GetTemplate.Input) async throws -> Operations.GetTemplate.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("read templates")
        let (template, shipped) = try await services.templates.template(try parseUUID(input.path.templateId, "template_id"), scope: principal.scope)
        return .ok(.init(body: .json(APIMapping.template(template, shipped: shipped))))
    }

    func updateTemplate(_ input: Operations.UpdateTemplate.Input) async throws -> Operations.UpdateTemplate.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("change templates")
        guard case let .json(body) = input.body else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send the template as application/json")])
        }
        let saved = try await services.templates.update(
            try parseUUID(input.path.templateId, "template_id"), to: try APIMapping.template(body, tenantID: principal.scope.tenantID),
            scope: principal.scope, actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.template(saved, shipped: false))))
    }

    func deleteTemplate(_ input: Operations.DeleteTemplate.Input) async throws -> Operations.DeleteTemplate.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("delete templates")
        let id = try parseUUID(input.path.templateId, "template_id")
        try await services.templates.delete(id, scope: principal.scope, actor: principal.actor)
        return .noContent(.init())
    }

    func previewTemplate(_ input: Operations.PreviewTemplate.Input) async throws -> Operations.PreviewTemplate.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("preview templates")
        guard case let .json(body) = input.body else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send the template as application/json")])
        }
        let account = try input.query.accountId.map { try parse($0, AccountID.self, "account_id") }
        let collector = try await services.letterhead(principal.scope.tenantID)
        let rendered = try await services.templates.preview(
            try APIMapping.template(body, tenantID: principal.scope.tenantID), account: account, scope: principal.scope,
            agencyName: collector.name)
        return .ok(.init(body: .json(.init(subject: rendered.subject, body: rendered.body))))
    }

    func listInbox(_ input: Operations.ListInbox.Input) async throws -> Operations.ListInbox.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("see the inbox")
        let status: InboxStatus = input.query.status == .open ? .open : .handled
        let items = try await services.inbound.inbox(status: status, scope: principal.scope, limit: input.query.limit ?? 50)
        return .ok(.init(body: .json(.init(items: items.map(APIMapping.inbound)))))
    }

    func closeInbound(_ input: Operations.CloseInbound.Input) async throws -> Operations.CloseInbound.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("close inbox messages")
        let id = try parseUUID(input.path.inboundId, "inbound_id")
        try await services.inbound.close(id, scope: principal.scope, actor: principal.actor)
        return .noContent(.init())
    }

    func listOutbox(_ input: Operations.ListOutbox.Input) async throws -> Operations.ListOutbox.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("see the outbox")
        guard let status = OutboxStatus(rawValue: input.query.status.rawValue) else {
            throw RecoupError.invalid([FieldProblem(field: "status", reason: "unknown status")])
        }
        let items = try await services.messages.outbox(status: status, scope: principal.scope, limit: input.query.limit ?? 50)
        return .ok(.init(body: .json(.init(items: items.map { APIMapping.communication($0) }))))
    }

    func getValidationNotice(_ input: Operations.GetValidationNotice.Input) async throws -> Operations.GetValidationNotice.Output {
        let principal = try RequestPrincipal.require()
        // Staff only, for the same reason: the notice carries the consumer's mailing address.
        try principal.requireStaff("produce notices")
        let id = try parse(input.path.accountId, AccountID.self, "account_id")
        let language: NoticeLanguage = input.query.language == .es ? .spanish : .english
        let day = try input.query.providedOn.map { try parseDate($0, "provided_on") } ?? LocalDate(utc: Date())
        let notice = try await services.notices.validationNotice(
            id, scope: principal.scope, language: language, providedOn: day,
            collector: try await services.letterhead(principal.scope.tenantID))
        let letter = ValidationNoticeLetter.letter(notice)
        if input.query.format == .html {
            return .ok(.init(body: .html(HTTPBody(HTMLRenderer.render(letter, language: language.rawValue)))))
        }
        return .ok(.init(body: .pdf(HTTPBody([UInt8](PDFRenderer.render(letter))))))
    }

    func detail(_ account: Account, _ principal: Principal) async throws -> Components.Schemas.AccountDetail {
        var parties: [Components.Schemas.AccountParty] = []
        for party in account.parties {
            let (consumer, _) = try await services.accounts.consumer(party.consumerID, scope: principal.scope)
            parties.append(APIMapping.party(party, consumer))
        }
        return APIMapping.detail(account, parties: parties)
    }

    // MARK: Consumers

    func getConsumer(_ input: Operations.GetConsumer.Input) async throws -> Operations.GetConsumer.Output {
        let principal = try RequestPrincipal.require()
        let id = try parse(input.path.consumerId, ConsumerID.self, "consumer_id")
        let (consumer, accounts) = try await services.accounts.consumer(id, scope: principal.scope)
        return .ok(.init(body: .json(APIMapping.consumer(consumer, accounts: accounts, role: principal.role))))
    }

    // MARK: Clients

    func listClients(_ input: Operations.ListClients.Input) async throws -> Operations.ListClients.Output {
        let principal = try RequestPrincipal.require()
        let clients = try await services.directory.clients(scope: principal.scope)
        return .ok(.init(body: .json(.init(items: clients.map(APIMapping.client)))))
    }

    func createClient(_ input: Operations.CreateClient.Input) async throws -> Operations.CreateClient.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canManageClients else {
            throw RecoupError.forbidden("role \(principal.role.rawValue) cannot create clients")
        }
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let client = try await services.directory.createClient(name: body.name, scope: principal.scope, actor: principal.actor)
        return .created(.init(body: .json(APIMapping.client(client))))
    }

    func getClientMapping(_ input: Operations.GetClientMapping.Input) async throws -> Operations.GetClientMapping.Output {
        let principal = try RequestPrincipal.require()
        let client = try parse(input.path.clientId, ClientID.self, "client_id")
        guard let mapping = try await services.placements.mapping(client: client, scope: principal.scope) else {
            throw RecoupError.notFound("a mapping for client \(client)")
        }
        return .ok(.init(body: .json(try APIMapping.mapping(mapping))))
    }

    func setClientMapping(_ input: Operations.SetClientMapping.Input) async throws -> Operations.SetClientMapping.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canManageClients else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot change client mappings") }
        let client = try parse(input.path.clientId, ClientID.self, "client_id")
        guard case let .json(body) = input.body else { throw RecoupError.invalid([FieldProblem(field: "body", reason: "expected JSON")]) }
        let json = try APIMapping.json(body)
        try await services.placements.setMapping(json, client: client, scope: principal.scope, actor: principal.actor)
        return .ok(.init(body: .json(body)))
    }

    func deleteClientMapping(_ input: Operations.DeleteClientMapping.Input) async throws -> Operations.DeleteClientMapping.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canManageClients else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot change client mappings") }
        let client = try parse(input.path.clientId, ClientID.self, "client_id")
        try await services.placements.setMapping(nil, client: client, scope: principal.scope, actor: principal.actor)
        return .noContent(.init())
    }

    // MARK: API keys

    func listApiKeys(_ input: Operations.ListApiKeys.Input) async throws -> Operations.ListApiKeys.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canManageKeys else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot list API keys") }
        let keys = try await services.directory.apiKeys(tenantID: principal.scope.tenantID)
        return .ok(.init(body: .json(.init(items: keys.map(APIMapping.apiKey)))))
    }

    func revokeApiKey(_ input: Operations.RevokeApiKey.Input) async throws -> Operations.RevokeApiKey.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canManageKeys else { throw RecoupError.forbidden("role \(principal.role.rawValue) cannot revoke API keys") }
        let id = try parse(input.path.apiKeyId, APIKeyID.self, "api_key_id")
        let key = try await services.directory.revokeAPIKey(id, tenantID: principal.scope.tenantID, actor: principal.actor)
        return .ok(.init(body: .json(APIMapping.apiKey(key))))
    }

    // MARK: Placements

    func createPlacement(_ input: Operations.CreatePlacement.Input) async throws -> Operations.CreatePlacement.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canPlaceAccounts else {
            throw RecoupError.forbidden("role \(principal.role.rawValue) cannot place accounts")
        }
        let clientID = try parse(input.query.clientId, ClientID.self, "client_id")
        if let own = principal.scope.clientID, own != clientID { throw RecoupError.notFound("client \(clientID)") }
        guard try await services.directory.clients(scope: principal.scope).contains(where: { $0.id == clientID }) else {
            throw RecoupError.notFound("client \(clientID)")
        }
        let mode = ImportMode(rawValue: input.query.mode?.rawValue ?? "accept-valid") ?? .acceptValid
        guard case let .csv(body) = input.body else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send the placement file as text/csv")])
        }
        let request = PlacementRequest(
            scope: principal.scope, clientID: clientID, fileName: nil, mode: mode, strict: input.query.strict ?? false, mapping: nil,
            actor: principal.actor)
        let upload = SizeLimitedChunks(base: body.map { [UInt8]($0) }, limit: limits.placementFileBytes)
        let outcome: PlacementOutcome
        if services.placements.readsFilesTwice {
            // The upload is received whole (sealed, on disk) before the import reads it twice.
            let spool = try await PlacementSpool.spooling(upload, in: FileManager.default.temporaryDirectory)
            defer { spool.remove() }
            outcome = try await services.placements.importPlacement(request, chunks: spool.chunks)
        } else {
            outcome = try await services.placements.importPlacement(request, chunks: upload)
        }
        let summary = APIMapping.placement(outcome.report)
        if outcome.report.outcome == .rejected {
            throw ProblemError(problem: Problem(
                status: .unprocessableContent,
                detail: "all-or-nothing: \(outcome.report.placement.counts.rejected) of \(outcome.report.placement.counts.rows) rows were invalid, so nothing was imported; see \(summary.errorsUrl)",
                errors: outcome.errors.prefix(100).map { FieldProblem(field: $0.column, reason: $0.reason, row: $0.row) }))
        }
        return .created(.init(body: .json(summary)))
    }

    func getPlacement(_ input: Operations.GetPlacement.Input) async throws -> Operations.GetPlacement.Output {
        let principal = try RequestPrincipal.require()
        let id = try parse(input.path.placementId, PlacementID.self, "placement_id")
        return .ok(.init(body: .json(APIMapping.placement(try await services.placements.placement(id, scope: principal.scope)))))
    }

    func getPlacementErrors(_ input: Operations.GetPlacementErrors.Input) async throws
        -> Operations.GetPlacementErrors.Output
    {
        let principal = try RequestPrincipal.require()
        let id = try parse(input.path.placementId, PlacementID.self, "placement_id")
        let errors = try await services.placements.errors(id, scope: principal.scope)
        return .ok(.init(body: .csv(HTTPBody(ErrorReport.csv(errors)))))
    }

    // MARK: Compliance

    func checkContact(_ input: Operations.CheckContact.Input) async throws -> Operations.CheckContact.Output {
        let principal = try RequestPrincipal.require()
        try principal.requireStaff("run compliance checks")
        guard case let .json(document) = input.body else {
            throw RecoupError.invalid([FieldProblem(field: "body", reason: "send the check document as application/json")])
        }
        let bytes = try JSONEncoder().encode(document)
        let (snapshot, proposal): (ContactSnapshot, ProposedContact)
        do {
            (snapshot, proposal) = try CheckDocument.decode(bytes)
        } catch {
            throw ProblemError(problem: Problem(
                status: .unprocessableContent, detail: "invalid check document: \(error)",
                errors: [FieldProblem(field: error.path.isEmpty ? "document" : error.path, reason: error.problem)]))
        }
        // The engine's own encoding is the answer's single definition; the generated type only carries it.
        let answer = CheckDocument.encode(engine.decide(snapshot, proposal))
        return .ok(.init(body: .json(try JSONDecoder().decode(Components.Schemas.ComplianceDecision.self, from: answer))))
    }

    // MARK: Audit

    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let principal = try RequestPrincipal.require()
        guard principal.role.canReadAudit else {
            throw RecoupError.forbidden("role \(principal.role.rawValue) cannot read the audit trail")
        }
        let q = input.query
        let page = try await services.audit.events(
            tenantID: principal.scope.tenantID, limit: q.limit ?? 50, cursor: q.cursor, subjectType: q.subjectType,
            subjectID: q.subjectId, action: q.action)
        return .ok(.init(body: .json(.init(items: page.items.map(APIMapping.auditEvent), nextCursor: page.nextCursor))))
    }

    func parse<Kind>(_ text: String, _ type: Identifier<Kind>.Type, _ field: String) throws -> Identifier<Kind> {
        Identifier<Kind>(try parseUUID(text, field))
    }

    /// A calendar date field, or a 400 naming it.
    func parseDate(_ text: String, _ field: String) throws -> LocalDate {
        guard let date = LocalDate(iso: text) else {
            throw RecoupError.invalid([FieldProblem(field: field, reason: "must be a date, YYYY-MM-DD")])
        }
        return date
    }

    /// A malformed id can name nothing in the caller's scope: 404, the same as another tenant's id.
    func parseUUID(_ text: String, _ field: String) throws -> UUID {
        guard let id = UUID(text: text) else { throw RecoupError.notFound("\(field) \"\(text)\"") }
        return id
    }
}

/// Stops reading a streamed body past a limit: a 413 even when the client sent no Content-Length.
struct SizeLimitedChunks<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == [UInt8] {
    typealias Element = [UInt8]
    let base: Base
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let limit: Int
        var total = 0

        mutating func next() async throws -> [UInt8]? {
            guard let chunk = try await base.next() else { return nil }
            total += chunk.count
            if total > limit {
                throw ProblemError(problem: Problem(status: .contentTooLarge, detail: "the file exceeds \(limit) bytes"))
            }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), limit: limit) }
}
