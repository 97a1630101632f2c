import Compliance
import Foundation
import Ledger
import RecoupCore

/// What the voice provider is told to do next, in provider-neutral terms (the HTTP layer writes it as TwiML).
public enum VoiceVerb: Sendable, Equatable {
    /// Speak `text` in `language` (`en-US`, `es-US`).
    case say(String, language: String)
    /// Collect keypad digits, speaking `prompts` meanwhile, then request `action` with them: `digits` digits, or
    /// up to `finishOnKey`.
    case gather(action: String, digits: Int?, finishOnKey: String?, prompts: [VoiceVerb])
    /// Connect the caller to a number; with `action`, the provider reports there how the dialled leg ended.
    case dial(String, action: String? = nil)
    /// Continue at another step (when a gather timed out).
    case redirect(String)
    case hangup
}

/// One step of the inbound IVR, as the provider requests it: the step and its state travel in the action URL the
/// previous answer gave (signed by the provider on every request, so a caller cannot alter them).
public struct IVRRequest: Sendable {
    public var tenantID: TenantID
    /// The provider's call id: actions are recorded once per call and step, however often the provider retries.
    public var callID: String
    public var caller: String
    public var called: String
    public var step: String
    public var digits: String?
    /// The step's state from the action URL: `lang`, `ref`, `acct`, `tries`, `amount`.
    public var state: [String: String]

    public init(tenantID: TenantID, callID: String, caller: String, called: String, step: String, digits: String?, state: [String: String]) {
        self.tenantID = tenantID
        self.callID = callID
        self.caller = caller
        self.called = called
        self.step = step
        self.digits = digits
        self.state = state
    }
}

/// The inbound IVR in English and Spanish: language, identity (the reference from a letter, then the ZIP code or the
/// date of birth, by keypad; three tries), the debt-collector disclosure, then a menu: balance and itemization,
/// promise to pay, call back, dispute, stop calls to this number (a TCPA revocation and a Regulation F medium
/// request, recorded at once), an agent. Every call and every action writes an audit event; an action is recorded
/// once per call however often the provider retries the webhook.
///
/// A promise to pay is recorded in the agents' inbox and, with ``promises``, as a promise the payments module tracks
/// (kept or broken), once per call.
public struct IVRService: Sendable {
    let inbound: any InboundRepository
    let snapshots: AccountSnapshots
    let clock: any Clock
    /// Where promises taken on the phone are tracked; nil: they stay in the inbox only.
    public var promises: PromiseService?
    /// Payments by the card already on file (a processor token: no card number is ever keyed in or kept); nil or
    /// without a processor: the menu offers none.
    public var payments: PaymentService?

    public init(inbound: any InboundRepository, snapshots: AccountSnapshots, clock: any Clock, promises: PromiseService? = nil) {
        self.inbound = inbound
        self.snapshots = snapshots
        self.clock = clock
        self.promises = promises
    }

    public func handle(_ request: IVRRequest, collector: CollectorDetails) async throws -> [VoiceVerb] {
        let language = request.state["lang"] == "es" ? "es" : "en"
        let script = IVRScript.of(language)
        let base = "/webhooks/voice/\(request.tenantID)/ivr"
        func action(_ step: String, _ extra: [String: String] = [:]) -> String {
            var state = request.state.merging(extra) { $1 }
            state["step"] = step
            state["lang"] = state["lang"] ?? language
            return base + "?" + state.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        }
        func say(_ text: String) -> VoiceVerb { .say(text, language: script.voice) }
        let takesPayments = payments?.processor != nil
        func menu(_ lead: [VoiceVerb] = [], _ extra: [String: String] = [:]) -> [VoiceVerb] {
            let prompt = takesPayments ? script.menu + " " + script.payNowOption : script.menu
            return lead + [.gather(action: action("menu", extra), digits: 1, finishOnKey: nil, prompts: [say(prompt)]),
                           .redirect(action("menu", extra))]
        }
        let locale: DisplayLocale = language == "es" ? .esUS : .enUS
        /// Asks again, up to three tries in all; then goodbye.
        func again(_ step: String, _ prompt: String, _ extra: [String: String] = [:]) -> [VoiceVerb] {
            let tries = (Int(request.state["tries"] ?? "0") ?? 0) + 1
            guard tries < 3 else { return [say(script.tooManyTries), .hangup] }
            return [.gather(action: action(step, extra.merging(["tries": String(tries)]) { $1 }), digits: nil, finishOnKey: "#",
                            prompts: [say(prompt)]),
                    say(script.goodbye), .hangup]
        }

        switch request.step {
        case "start":
            try await record(request, "call", intent: "call", accounts: [], status: .handled, body: "inbound call")
            let choose = VoiceVerb.gather(
                action: base + "?step=language", digits: 1, finishOnKey: nil,
                prompts: [.say(IVRScript.english.chooseLanguage, language: "en-US"), .say(IVRScript.spanish.chooseLanguage, language: "es-US")])
            return [choose, .redirect(base + "?step=start")]

        case "language":
            guard let digit = request.digits, digit == "1" || digit == "2" else {
                return [.redirect(base + "?step=start")]
            }
            let chosen = IVRScript.of(digit == "2" ? "es" : "en")
            return [.gather(action: base + "?lang=\(digit == "2" ? "es" : "en")&step=reference", digits: nil, finishOnKey: "#",
                            prompts: [.say(chosen.askReference, language: chosen.voice)]),
                    .say(chosen.goodbye, language: chosen.voice), .hangup]

        case "reference":
            let reference = request.digits ?? ""
            guard ReferenceCode.isWellFormed(reference) else {
                return again("reference", script.referenceNotValid + " " + script.askReference)
            }
            return [.gather(action: action("verify", ["ref": reference]), digits: nil, finishOnKey: "#", prompts: [say(script.askIdentity)]),
                    say(script.goodbye), .hangup]

        case "verify":
            let entered = request.digits ?? ""
            let matched = try await verify(reference: request.state["ref"] ?? "", entered: entered, tenantID: request.tenantID)
            guard let (account, consumer) = matched else {
                return again("reference", script.notVerified + " " + script.askReference, ["ref": ""])
            }
            let point = Self.callerPoint(request.caller, of: consumer)
            try await record(
                request, "verified", intent: "call", accounts: [account.id], status: .handled, body: "caller verified",
                contacts: [RecordedContact(
                    accountID: account.id, consumerID: consumer.id, occurredAt: clock.now(), direction: .inbound, channel: .call,
                    destinationID: point?.id, dialingMethod: nil, outcome: .conversation, contentType: .collection, recordedBy: "consumer:ivr")])
            let disclosures = Disclosures.texts(language == "es" ? .spanish : .english)
            return menu([say(disclosures.miniMirandaInitial)], ["acct": account.id.description])

        case "menu":
            guard let accountID = request.state["acct"].flatMap(AccountID.init) else { return [.redirect(base + "?step=start")] }
            let scope = AccessScope(tenantID: request.tenantID)
            let (account, consumer) = try await snapshots.accounts.accountWithPrimaryConsumer(accountID, scope: scope)
            switch request.digits {
            case "1":
                return menu([say(script.balance(account.itemization, language == "es" ? .esUS : .enUS))])
            case "2":
                return [.gather(action: action("promise-amount"), digits: nil, finishOnKey: "#", prompts: [say(script.askAmount)]), .redirect(action("menu"))]
            case "3":
                try await record(request, "callback", intent: "callback_request", accounts: [accountID], status: .open,
                                 body: "call back requested at \(request.caller)")
                return menu([say(script.callbackRecorded)])
            case "4":
                let fact = try Self.fact(.dispute, ["received_at": Self.iso(clock.now()), "written": false], account: accountID, consumer: consumer.id, at: clock.now())
                try await record(request, "dispute", intent: "dispute", accounts: [accountID], status: .open, body: "oral dispute by keypad", facts: [fact])
                return menu([say(script.disputeRecorded)])
            case "5":
                let point = Self.callerPoint(request.caller, of: consumer)
                let now = Self.iso(clock.now())
                var revocation: [String: Any] = ["received_at": now, "method": "IVR key press", "per_se_reasonable": true]
                var optOut: [String: Any] = ["recorded_at": now, "medium": "telephone_calls", "how": "IVR key press"]
                if let point {
                    revocation["destination"] = point.id.description
                    optOut["destination"] = point.id.description
                    optOut["scope"] = "number"
                } else {
                    optOut["scope"] = "all_numbers"  // calling from a number not on file: stop calls to every number
                }
                let facts = [
                    try Self.fact(.tcpaRevocation, revocation, account: accountID, consumer: consumer.id, at: clock.now()),
                    try Self.fact(.optOut, optOut, account: accountID, consumer: consumer.id, at: clock.now()),
                ]
                try await record(request, "stop-calls", intent: "opt_out", accounts: [accountID], status: .handled,
                                 body: "stop calls by keypad", facts: facts)
                return menu([say(script.callsStopped)])
            case "0":
                guard let phone = collector.phone else {
                    try await record(request, "callback", intent: "callback_request", accounts: [accountID], status: .open,
                                     body: "asked for an agent; none reachable; call back at \(request.caller)")
                    return menu([say(script.noAgent)])
                }
                return [say(script.transferring), .dial(phone)]
            case "6" where takesPayments:
                guard try await card(on: accountID, scope) != nil else { return menu([say(script.noCardOnFile)]) }
                return [.gather(action: action("pay-amount"), digits: nil, finishOnKey: "#", prompts: [say(script.askPaymentAmount)]),
                        .redirect(action("menu"))]
            default:
                return menu()
            }

        case "pay-amount":
            guard let payments, let accountID = request.state["acct"].flatMap(AccountID.init),
                  let dollars = request.digits.flatMap(Int64.init), dollars > 0, dollars < 1_000_000
            else { return menu([say(script.notUnderstood)]) }
            let scope = AccessScope(tenantID: request.tenantID)
            guard let (method, last4) = try await card(on: accountID, scope) else { return menu([say(script.noCardOnFile)]) }
            let fee = try await payments.convenienceFee(account: accountID, method: method.id, scope: scope)
            let amount = Money(minorUnits: dollars * 100, currency: .usd)
            let feeText = fee.minorUnits > 0 ? Money(minorUnits: fee.minorUnits, currency: .usd).formatted(locale) : nil
            return [.gather(action: action("pay-confirm", ["amount": String(dollars), "fee": String(fee.minorUnits)]), digits: 1,
                            finishOnKey: nil, prompts: [say(script.confirmPayment(amount.formatted(locale), last4, feeText))]),
                    .redirect(action("menu"))]

        case "pay-confirm":
            guard let payments, let accountID = request.state["acct"].flatMap(AccountID.init),
                  let dollars = request.state["amount"].flatMap(Int64.init), let fee = request.state["fee"].flatMap(Int64.init)
            else { return menu([say(script.notUnderstood)]) }
            guard request.digits == "1" else { return menu() }
            let scope = AccessScope(tenantID: request.tenantID)
            guard let (method, _) = try await card(on: accountID, scope) else { return menu([say(script.noCardOnFile)]) }
            let amount = Money(minorUnits: dollars * 100, currency: .usd)
            let payment: Payment
            do {
                // One charge per call and amount, however often the provider retries this webhook.
                (payment, _) = try await payments.pay(
                    account: accountID, method: method.id, amount: amount, acceptedFee: fee, idempotencyKey: "ivr:\(request.callID):\(dollars)",
                    scope: scope, actor: "consumer:ivr")
            } catch let error as RecoupError {
                try await record(request, "payment-refused", intent: "callback_request", accounts: [accountID], status: .open,
                                 body: "a payment of \(amount.formatted(.enUS)) by phone was refused: \(error)")
                return menu([say(script.paymentRefused)])
            }
            switch payment.status {
            case .succeeded: return menu([say(script.paymentReceived(amount.formatted(locale)))])
            case .failed: return menu([say(script.paymentDeclined)])
            default: return menu([say(script.paymentPending)])
            }

        case "promise-amount":
            guard let dollars = request.digits.flatMap(Int64.init), dollars > 0, dollars < 1_000_000 else {
                return menu([say(script.notUnderstood)])
            }
            return [.gather(action: action("promise-date", ["amount": String(dollars)]), digits: 4, finishOnKey: nil, prompts: [say(script.askDate)]),
                    .redirect(action("menu"))]

        case "promise-date":
            guard let accountID = request.state["acct"].flatMap(AccountID.init), let dollars = request.state["amount"].flatMap(Int64.init),
                  let digits = request.digits
            else { return menu([say(script.notUnderstood)]) }
            // The caller's today: at 8:30 p.m. in Austin "today" is still the caller's day, not next year's.
            let today = try await promises?.today(account: accountID, scope: AccessScope(tenantID: request.tenantID)) ?? LocalDate(utc: clock.now())
            guard let day = Self.nextDate(mmdd: digits, after: today) else { return menu([say(script.notUnderstood)]) }
            let amount = Money(minorUnits: dollars * 100, currency: .usd)
            try await record(request, "promise", intent: "promise_to_pay", accounts: [accountID], status: .open,
                             body: "promise to pay \(amount.formatted(.enUS)) on \(day.iso)")
            if let promises {
                do {
                    _ = try await promises.promise(
                        account: accountID, amount: amount.minorUnits, dueOn: day, source: .ivr, idempotencyKey: "ivr:\(request.callID)",
                        scope: AccessScope(tenantID: request.tenantID), actor: "ivr:\(request.callID)")
                } catch RecoupError.invalid {
                    // More than is owed: the inbox item is there for an agent to call back about.
                }
            }
            return menu([say(script.promiseRecorded(amount.formatted(language == "es" ? .esUS : .enUS), day.iso))])

        default:
            return [.redirect(base + "?step=start")]
        }
    }

    /// The account's card on file that may still be charged, and its last four digits to say.
    private func card(on account: AccountID, _ scope: AccessScope) async throws -> (PaymentMethod, String)? {
        guard let payments else { return nil }
        for method in try await payments.methods(account: account, scope: scope) where method.revoked == nil {
            if case let .card(_, _, _, last4) = method.details { return (method, last4) }
        }
        return nil
    }

    /// The one active account with this reference whose consumer's ZIP code (5 digits) or date of birth (MMDDYYYY)
    /// matches what the caller typed.
    private func verify(reference: String, entered: String, tenantID: TenantID) async throws -> (Account, Consumer)? {
        guard ReferenceCode.isWellFormed(reference), entered.count == 5 || entered.count == 8 else { return nil }
        let scope = AccessScope(tenantID: tenantID)
        var matches: [(Account, Consumer)] = []
        for id in try await inbound.accounts(reference: reference, tenantID: tenantID) {
            let (account, consumer) = try await snapshots.accounts.accountWithPrimaryConsumer(id, scope: scope)
            guard account.status == .active else { continue }
            let zipMatches = entered.count == 5 && consumer.contactPoints.contains {
                if case let .postal(address) = $0.kind { address.zip.prefix(5) == entered } else { false }
            }
            let dobMatches = entered.count == 8 && consumer.dateOfBirth.map { date in
                let iso = date.iso  // YYYY-MM-DD
                return entered == String(iso.dropFirst(5).prefix(2)) + String(iso.suffix(2)) + String(iso.prefix(4))
            } == true
            if zipMatches || dobMatches { matches.append((account, consumer)) }
        }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Records one step of a call once (the provider may retry a webhook), with its audit event.
    private func record(
        _ request: IVRRequest, _ step: String, intent: String, accounts: [AccountID], status: InboxStatus, body: String,
        facts: [RecordedFact] = [], contacts: [RecordedContact] = []
    ) async throws {
        let message = InboundMessage(
            tenantID: request.tenantID, channel: .call, providerID: "\(request.callID):\(step)", sender: request.caller,
            recipient: request.called, body: body, intent: intent, accountIDs: accounts, reply: nil, status: status, receivedAt: clock.now())
        let audit = AuditEntry(
            actor: "consumer:ivr", action: step == "call" ? "call.received" : "call.\(step)", subjectType: "inbound_message",
            subjectID: message.id.lowercasedString,
            details: ["call_id": request.callID, "intent": intent, "account_ids": accounts.map(\.description).joined(separator: ",")])
        _ = try await inbound.receive(InboundRecord(message: message, contacts: contacts, facts: facts, engagement: [], audit: audit))
    }

    static func fact(_ kind: RecordedFactKind, _ object: [String: Any], account: AccountID, consumer: ConsumerID, at now: Date) throws -> RecordedFact {
        RecordedFact(consumerID: consumer, accountID: account, kind: kind,
                     fact: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), recordedAt: now, recordedBy: "consumer:ivr")
    }

    /// The consumer's phone contact point the caller is calling from, if it is on file.
    static func callerPoint(_ caller: String, of consumer: Consumer) -> ContactPoint? {
        consumer.contactPoints.first { if case let .phone(number, _, _, _) = $0.kind { number == caller } else { false } }
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// The next day (after `today`, or today) falling on the month and day typed as MMDD.
    static func nextDate(mmdd: String, after today: LocalDate) -> LocalDate? {
        guard mmdd.count == 4, let month = Int(mmdd.prefix(2)), let day = Int(mmdd.suffix(2)) else { return nil }
        for year in [today.year, today.year + 1] {
            if let date = LocalDate(year: year, month: month, day: day), date >= today { return date }
        }
        return nil
    }
}
