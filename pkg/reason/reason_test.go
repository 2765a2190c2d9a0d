package reason

import (
	"strings"
	"testing"

	"github.com/bounce-tool/bounce/pkg/status"
)

// classifyTests cover every step and rule family of Classify, in order.
var classifyTests = []struct {
	name string
	f    Facts
	want string
	step string
}{
	// 1. Success.
	{"2.x.x code", Facts{Status: status.MustParse("2.0.0"), Action: "relayed", Diagnostic: "250 2.0.0 Ok: queued"}, Delivered, "success"},
	{"delivered action without a code", Facts{Action: "delivered"}, Delivered, "success"},
	{"a success code wins over failure words", Facts{Status: status.MustParse("2.1.5"), Diagnostic: "user unknown"}, Delivered, "success"},

	// 2. Hint.
	{"dialect hint", Facts{Status: status.MustParse("5.3.0"), Diagnostic: "255", Hint: MailerError}, MailerError, "hint"},
	{"a hint outside the vocabulary is ignored", Facts{Status: status.MustParse("5.2.2"), Hint: "nonsense"}, MailboxFull, "code"},

	// 3. Provider codes.
	{"microsoft banned sending ip", Facts{Status: status.MustParse("5.7.606"), Diagnostic: "550 5.7.606 Access denied, banned sending IP [192.0.2.1]."}, Blocked, "provider"},
	{"microsoft range, code only in the text", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 5.7.649 Access denied"}, Blocked, "provider"},
	{"microsoft 5.7.515", Facts{Status: status.MustParse("5.7.515"), Diagnostic: "550 5.7.515 Access denied, sending domain [example.org] doesn't meet the required authentication level."}, AuthFailure, "provider"},
	{"microsoft recipient not found under 5.1.10", Facts{Status: status.MustParse("5.1.10"), Diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"}, UserUnknown, "provider"},
	{"outlook.com block list code", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. (S3150)"}, Blocked, "provider"},
	{"hotmail SC-004", Facts{Diagnostic: "550 SC-004 Mail rejected by Outlook.com for policy reasons."}, Blocked, "provider"},
	{"yahoo's unknown account after DATA", Facts{Status: status.MustParse("5.0.0"), Command: "DATA", Diagnostic: "554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0] - mta1.mail.example.yahoo.com"}, UserUnknown, "provider"},
	{"the same sentence elsewhere is a filter's", Facts{Diagnostic: "<x@example.com>: This user doesn't have a example.com account (x@example.com) [0]"}, Filtered, "wording"},
	{"microsoft exchange quota", Facts{Status: status.MustParse("5.2.0"), Diagnostic: "554 5.2.0 STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded"}, MailboxFull, "provider"},
	{"microsoft traffic not accepted", Facts{Status: status.MustParse("5.7.708"), Diagnostic: "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP."}, Blocked, "provider"},
	{"yahoo TSS04", Facts{Status: status.MustParse("4.7.0"), Diagnostic: "421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints"}, BadReputation, "provider"},
	{"yahoo TSS09", Facts{Status: status.MustParse("4.7.0"), Diagnostic: "421 4.7.0 [TSS09] All messages from 192.0.2.25 will be permanently deferred"}, Blocked, "provider"},
	{"aol RLY:B1", Facts{Diagnostic: "554 RLY:B1 https://postmaster.aol.example/error-codes#554rlyb1"}, Blocked, "provider"},
	{"google send-mail-as", Facts{Diagnostic: "Learn more here: https://support.google.com/mail/?p=CustomFromDenied"}, Rejected, "provider"},
	{"microsoft server busy, 4.7.500", Facts{Status: status.MustParse("4.7.500"), Action: "delayed", Diagnostic: "451 4.7.500 Server busy. Please try again later from [192.0.2.40]. (S77719)"}, RateLimited, "provider"},
	{"microsoft 4.7.606 is held back, not banned", Facts{Status: status.MustParse("4.7.606"), Diagnostic: "451 4.7.606 Access denied, please try again later"}, RateLimited, "provider"},
	{"microsoft 4.7.650 is left to its reputation wording", Facts{Status: status.MustParse("4.7.650"), Diagnostic: "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP reputation."}, BadReputation, "wording"},
	{"microsoft 5.7.500 is not the temporary range", Facts{Status: status.MustParse("5.7.500"), Diagnostic: "550 5.7.500 Access denied, spam abuse detected"}, SpamDetected, "wording"},
	{"microsoft group restriction", Facts{Status: status.MustParse("5.7.133"), Diagnostic: "550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required; Delivery restriction check failed as sender not authenticated"}, Filtered, "provider"},
	{"microsoft size restriction stays a size", Facts{Status: status.MustParse("5.2.3"), Diagnostic: "552 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient"}, EmailTooLarge, "provider"},
	{"mimecast user entry", Facts{Diagnostic: "550 Envelope blocked - User Entry - https://community.mimecast.com/docs/DOC-1369#550 [x.uk290]"}, Filtered, "provider"},
	{"mimecast security policies", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "554 Email rejected due to security policies - https://community.mimecast.com/docs/DOC-1369#554"}, VirusDetected, "provider"},
	{"microsoft recipient threshold", Facts{Status: status.MustParse("5.2.121"), Diagnostic: "550 5.2.121 RecipientThresholdExceeded; Recipient's per hour message receive limit from specific sender exceeded."}, RateLimited, "provider"},
	{"mimecast user domain entry", Facts{Diagnostic: "550 Envelope blocked - User Domain Entry - https://community.mimecast.com/docs/DOC-1369#550"}, Filtered, "provider"},
	{"orange spam code", Facts{Status: status.MustParse("5.2.0"), Diagnostic: "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]"}, SpamDetected, "provider"},

	// 4. Decisive wording, English.
	{"ses suppression list under 5.1.1", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "Amazon SES did not send the message to this address because it is on the suppression list for your account."}, Suppressed, "wording"},
	{"ses global suppression beats its invalid address", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address."}, Suppressed, "wording"},
	{"mailgun previously bounced", Facts{Diagnostic: "605 Not delivering to previously bounced address"}, Suppressed, "wording"},
	{"gmail out of storage, no code", Facts{Diagnostic: "The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp"}, MailboxFull, "wording"},
	{"listing by name", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"}, Blocked, "wording"},
	{"list name in a lookup URL under a code for something else", Facts{Status: status.MustParse("5.1.3"), Diagnostic: "553 http://www.spamhaus.org/query/bl?ip=192.0.2.1"}, Blocked, "wording"},
	{"generic listing", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550 5.7.1 IP address blacklisted by recipient"}, Blocked, "wording"},
	{"procmail", Facts{Status: status.MustParse("5.1.1"), Diagnostic: `procmail: Couldn't create "/var/spool/mail/neko"`}, MailerError, "wording"},
	{"duplicate header", Facts{Diagnostic: "554 Transaction failed: Duplicate header 'DKIM-Signature'."}, NotCompliantRFC, "wording"},
	{"multiple from, over continuation lines", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550-5.7.1 [192.0.2.1] Messages with multiple 550-5.7.1 addresses in From: header are not accepted."}, NotCompliantRFC, "wording"},
	{"reputation", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550-5.7.1 this message is likely suspicious due to the very low reputation of the sending IP address. To best protect our users from spam, the message has been blocked."}, BadReputation, "wording"},
	{"over quota under 5.1.1", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "552 sorry, mailbox x is over quota temporarily (#5.1.1)"}, MailboxFull, "wording"},
	{"too large", Facts{Status: status.MustParse("5.3.4"), Diagnostic: "552 5.3.4 Message size exceeds fixed maximum message size"}, EmailTooLarge, "wording"},
	{"disabled account", Facts{Status: status.MustParse("5.2.1"), Diagnostic: "550 5.2.1 The email account that you tried to reach is disabled."}, Suspend, "wording"},
	{"temporarily locked", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550 5.7.1 Recipient address rejected: User x temporary locked. Please try again later!"}, Suspend, "wording"},
	{"has moved", Facts{Status: status.MustParse("5.1.6"), Diagnostic: "550 5.1.6 recipient no longer on server"}, HasMoved, "wording"},
	{"relaying denied", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "554 5.7.1 <x@example.org>: Relay access denied"}, NoRelaying, "wording"},
	{"dmarc", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "554 5.7.1 Your message was rejected due to example.org's DMARC policy."}, AuthFailure, "wording"},
	{"google unauthenticated", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550-5.7.1 This message does not have authentication information or fails to pass authentication checks (SPF or DKIM). To best protect our users from spam, the message has been blocked."}, AuthFailure, "wording"},
	{"recipient preferences", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "550 5.1.1 RCP-P2 Refused due to recipient preferences"}, Filtered, "wording"},
	{"reverse dns", Facts{Command: "CONN", Diagnostic: "554 mta.example.net Comcast requires that all mail servers must have a PTR record with a valid Reverse DNS entry."}, RequirePTR, "wording"},
	{"sender domain", Facts{Status: status.MustParse("5.1.8"), Diagnostic: "553 5.1.8 <root@host.example>... Domain of sender address root@host.example does not exist"}, Rejected, "wording"},
	{"group posting", Facts{Diagnostic: "the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group."}, Rejected, "wording"},
	{"null mx", Facts{Status: status.MustParse("4.0.0"), Diagnostic: "The domain example.org doesn't receive email according to the administrator: returned Null MX"}, NotAccept, "wording"},
	{"dns try again", Facts{Diagnostic: "Name service error for domain example.com: Host not found, try again"}, NetworkError, "wording"},
	{"host unknown", Facts{Status: status.MustParse("5.4.4"), Diagnostic: "Host or domain name not found. Name service error for name=example.jp type=A: Host not found"}, HostUnknown, "wording"},
	{"invalid recipient, any stage", Facts{Status: status.MustParse("5.5.0"), Diagnostic: "550 5.5.0 Invalid recipient"}, UserUnknown, "wording"},
	{"recipient rejected with access denied", Facts{Status: status.MustParse("5.7.1"), Command: "RCPT", Diagnostic: "554 5.7.1 <x@example.ch>: Recipient address rejected: Access denied"}, UserUnknown, "wording"},
	{"virus", Facts{Status: status.MustParse("5.7.0"), Diagnostic: "554 5.7.0 Rejected: Virus found: Eicar-Test-Signature"}, VirusDetected, "wording"},
	{"rate limit beats the IP it names", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 Ip frequency limited [Blocked IP 192.0.2.22]"}, RateLimited, "wording"},
	{"too many recipients under 5.1.1", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "550 5.1.1 <x@example.com> - 192.0.2.1 has sent to too many recipients this hour."}, RateLimited, "wording"},
	{"greylisting", Facts{Status: status.MustParse("4.7.1"), Action: "delayed", Diagnostic: "451 4.7.1 Greylisted, please try again later"}, RateLimited, "wording"},
	{"too many bad recipients", Facts{Status: status.MustParse("4.5.3"), Action: "failed", Diagnostic: "452 4.5.3 Too many invalid recipients"}, RateLimited, "wording"},
	{"gmail: an IP that must use its provider's relay", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550-5.7.1 [192.0.2.1] The IP you're using to send mail is not authorized to 550-5.7.1 send email directly to our servers. Please use the SMTP relay at your 550-5.7.1 service provider instead."}, Blocked, "wording"},
	{"gmail: no Message-ID", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550-5.7.1 [192.0.2.1] Messages missing a valid Message-ID header are not 550-5.7.1 accepted."}, NotCompliantRFC, "wording"},
	{"dynamic ip", Facts{Diagnostic: "550 5.7.0 <x@example.jp>... Please use the smtp server of your ISP."}, Blocked, "wording"},
	{"refused to talk", Facts{Status: status.MustParse("4.0.0"), Diagnostic: "host mx.example.com[192.0.2.1] refused to talk to me: 421 Service not available"}, Blocked, "wording"},
	{"spam", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "554 5.7.1 Email cannot be delivered. Reason: Email flagged as Spam."}, SpamDetected, "wording"},
	{"UBE", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550 5.7.1 Message content rejected, UBE, id=00000-22-225"}, SpamDetected, "wording"},

	// 4. Decisive wording that is not of one server: the phrases of a
	// meaning as other servers word it, under a code that says nothing.
	{"qmail badrcptto", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "553 sorry, your envelope recipient is in my badrcptto list (#5.7.1)"}, UserUnknown, "wording"},
	{"mailbox not present", Facts{Diagnostic: "550 Requested action not taken: mailbox not present"}, UserUnknown, "wording"},
	{"non-existent recipient", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 Invalid or non-existent recipient"}, UserUnknown, "wording"},
	{"mailbox name not allowed", Facts{Diagnostic: "553 Requested action not taken: mailbox name not allowed"}, UserUnknown, "wording"},
	{"quota violation", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "552 Quota violation for x@example.jp"}, MailboxFull, "wording"},
	{"too many messages on the server is a full mailbox, not a rate", Facts{Diagnostic: "452 User has too many messages on the server"}, MailboxFull, "wording"},
	{"a mail file is a mailbox, not a message", Facts{Diagnostic: "Mail file size exceeds the maximum size allowed for mail delivery"}, MailboxFull, "wording"},
	{"inbound message size", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "552 Message exceeded maximum inbound message size"}, EmailTooLarge, "wording"},
	{"account temporarily suspended", Facts{Diagnostic: "550 This account has been temporarily suspended"}, Suspend, "wording"},
	{"postfix's suspended delivery is not an account", Facts{Status: status.MustParse("4.0.0"), Diagnostic: "delivery temporarily suspended: connect to mx.example.com[192.0.2.1]: server refused to talk to me: 421 Service not available"}, Blocked, "wording"},
	{"batv", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 BATV validation failure"}, Rejected, "wording"},
	{"badmailfrom", Facts{Diagnostic: "553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)"}, Rejected, "wording"},
	{"ip name lookup", Facts{Diagnostic: "550 Access denied. IP name lookup failed [192.0.2.1]"}, RequirePTR, "wording"},
	{"open proxy", Facts{Diagnostic: "554 Rejecting open proxy 192.0.2.1"}, Blocked, "wording"},
	{"rcpthosts is relaying", Facts{Diagnostic: "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"}, NoRelaying, "wording"},
	{"too many smtp sessions", Facts{Status: status.MustParse("4.0.0"), Diagnostic: "421 Too many SMTP sessions for this host"}, RateLimited, "wording"},
	{"improperly formatted content", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 This message contains improperly-formatted binary content"}, ContentError, "wording"},

	// 4. Stage-bound user-unknown answers.
	{"user unknown at RCPT", Facts{Status: status.MustParse("5.2.1"), Command: "RCPT", Diagnostic: "550 5.2.1 <x@example.jp>... User Unknown"}, UserUnknown, "wording"},
	{"user unknown under 5.1.1", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "550 5.1.1 <x@example.jp>... User Unknown"}, UserUnknown, "wording"},
	{"user unknown after DATA", Facts{Status: status.MustParse("5.0.0"), Command: "DATA", Diagnostic: "550 Unknown user x@example.net"}, Filtered, "wording"},
	{"user unknown, stage not said", Facts{Status: status.MustParse("5.2.0"), Diagnostic: "550 : User unknown"}, Filtered, "wording"},
	{"user unknown naming the address answers RCPT", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 <x@example.jp>: User unknown"}, UserUnknown, "wording"},
	{"qmail's RCPT refusal", Facts{Status: status.MustParse("5.2.1"), Diagnostic: "192.0.2.1 does not like recipient. Remote host said: 550 5.2.1 <x@example.jp>... User Unknown"}, UserUnknown, "wording"},
	{"user unknown at MAIL FROM is the sender", Facts{Status: status.MustParse("5.1.0"), Command: "MAIL", Diagnostic: "553 5.1.0 user does not exist"}, Rejected, "wording"},

	// 4. Decisive wording, other languages.
	{"ja mailbox full", Facts{Diagnostic: "552 メールボックスがいっぱいです"}, MailboxFull, "wording"},
	{"ja size", Facts{Diagnostic: "552 メッセージのサイズが大きすぎます"}, EmailTooLarge, "wording"},
	{"ja unknown at RCPT", Facts{Command: "RCPT", Diagnostic: "550 ユーザーが存在しません"}, UserUnknown, "wording"},
	{"ja filtered", Facts{Diagnostic: "550 受信拒否設定により配送できません"}, Filtered, "wording"},
	{"de mailbox full", Facts{Diagnostic: "552 Das Postfach ist voll"}, MailboxFull, "wording"},
	{"de unknown recipient", Facts{Diagnostic: "550 Empfänger unbekannt"}, UserUnknown, "wording"},
	{"de account locked", Facts{Diagnostic: "550 Konto gesperrt"}, Suspend, "wording"},
	{"fr invalid recipient", Facts{Status: status.MustParse("5.5.0"), Diagnostic: "550 5.5.0 Adresse destinataire invalide. Invalid recipient."}, UserUnknown, "wording"},
	{"fr account blocked", Facts{Diagnostic: "550 5.5.0 Le compte du destinataire est bloque."}, Suspend, "wording"},
	{"fr ip blocked", Facts{Diagnostic: "550 ME Adresse IP source bloquee pour incident de spam."}, Blocked, "wording"},
	{"es mailbox full", Facts{Diagnostic: "552 El buzón está lleno"}, MailboxFull, "wording"},
	{"es unknown recipient", Facts{Diagnostic: "550 Destinatario desconocido"}, UserUnknown, "wording"},
	{"pt mailbox full", Facts{Diagnostic: "552 Caixa postal cheia"}, MailboxFull, "wording"},
	{"pt unknown at RCPT", Facts{Command: "RCPT", Diagnostic: "550 Usuário desconhecido"}, UserUnknown, "wording"},
	{"ru mailbox full", Facts{Diagnostic: "552 Ящик получателя переполнен"}, MailboxFull, "wording"},
	{"ru unknown at RCPT", Facts{Command: "RCPT", Diagnostic: "550 Пользователь не найден"}, UserUnknown, "wording"},
	{"ru spam", Facts{Diagnostic: "550 Письмо похоже на спам"}, SpamDetected, "wording"},
	{"zh mailbox full", Facts{Diagnostic: "552 邮箱已满"}, MailboxFull, "wording"},
	{"zh-tw mailbox full", Facts{Diagnostic: "552 信箱已滿"}, MailboxFull, "wording"},
	{"zh recipient unknown", Facts{Diagnostic: "550 收件人不存在"}, UserUnknown, "wording"},
	{"zh spam", Facts{Diagnostic: "550 该邮件被判定为垃圾邮件"}, SpamDetected, "wording"},
	{"it mailbox full", Facts{Diagnostic: "552 Casella piena"}, MailboxFull, "wording"},
	{"it unknown recipient", Facts{Diagnostic: "550 Destinatario sconosciuto"}, UserUnknown, "wording"},
	{"nl mailbox full", Facts{Diagnostic: "552 Mailbox vol"}, MailboxFull, "wording"},
	{"nl unknown recipient", Facts{Diagnostic: "550 Onbekende ontvanger"}, UserUnknown, "wording"},
	{"x.400 unknown O/R name", Facts{Diagnostic: "Reason: Unable to transfer Diagnostic: Unrecognised O/R name"}, UserUnknown, "wording"},
	{"queue period beats the last DNS answer", Facts{Action: "failed", Diagnostic: "not reachable within the allowed queue period. Host not found, try again"}, Expired, "wording"},

	// 4b. Pair wording: a thing and what is wrong with it, words between.
	{"de mailbox full, words between", Facts{Diagnostic: "<a@example.de>: Das Postfach des Empfängers ist voll"}, MailboxFull, "wording"},
	{"en mailbox file full", Facts{Diagnostic: "Unable to deliver message: recipient's mailbox file is full"}, MailboxFull, "wording"},
	{"nl mailbox is vol", Facts{Diagnostic: "Reden: mailbox is vol"}, MailboxFull, "wording"},
	{"ja mailbox full", Facts{Diagnostic: "理由: メールボックスの容量が一杯です"}, MailboxFull, "wording"},
	{"pt domain not found", Facts{Diagnostic: "Motivo: domínio não encontrado"}, HostUnknown, "wording"},
	{"domain not registered, name between", Facts{Diagnostic: "the domain name (nowhere.example) does not appear to be registered."}, HostUnknown, "wording"},
	{"a pair does not cross a sentence", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "554 mailbox unavailable. Disk full"}, UserUnknown, "wording"},
	{"vol inside a word is not full", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "554 mailbox volume error"}, OnHold, "fallback"},

	// 5. Codes with one meaning.
	{"5.2.2", Facts{Status: status.MustParse("5.2.2"), Diagnostic: "552 5.2.2 <x@example.org>"}, MailboxFull, "code"},
	{"5.1.1 whatever the policy words", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "550 5.1.1 rejected by policy"}, UserUnknown, "code"},
	{"5.1.2", Facts{Status: status.MustParse("5.1.2")}, HostUnknown, "code"},
	{"5.1.6", Facts{Status: status.MustParse("5.1.6")}, HasMoved, "code"},
	{"5.1.8", Facts{Status: status.MustParse("5.1.8"), Diagnostic: "501 5.1.8 Sender address rejected"}, Rejected, "wording"},
	{"5.2.1 alone", Facts{Status: status.MustParse("5.2.1")}, Suspend, "code"},
	{"5.3.4", Facts{Status: status.MustParse("5.3.4")}, EmailTooLarge, "code"},
	{"4.4.1 alone", Facts{Status: status.MustParse("4.4.1")}, Expired, "code"},
	{"5.6.0", Facts{Status: status.MustParse("5.6.0"), Diagnostic: "554 5.6.0 bad content"}, ContentError, "code"},
	{"5.7.13", Facts{Status: status.MustParse("5.7.13")}, Suspend, "code"},
	{"5.7.25", Facts{Status: status.MustParse("5.7.25")}, RequirePTR, "code"},
	{"5.7.26", Facts{Status: status.MustParse("5.7.26")}, AuthFailure, "code"},

	// 6. Secondary wording.
	{"policy reasons", Facts{Status: status.MustParse("5.7.9"), Diagnostic: "554 5.7.9 Message not accepted for policy reasons."}, PolicyViolation, "wording"},
	{"google security issue", Facts{Status: status.MustParse("5.7.0"), Diagnostic: "552-5.7.0 This message was blocked because its content presents a potential security issue."}, PolicyViolation, "wording"},
	{"smtp authentication", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550-Please turn on SMTP Authentication in your mail client."}, SecurityError, "wording"},
	{"blocked, no reason", Facts{Status: status.MustParse("4.0.0"), Diagnostic: "554 Blocked - see https://support.example.com/lookup?ip=192.0.2.225"}, Blocked, "wording"},
	{"no tls", Facts{Diagnostic: "500 Remote server does not support TLS (state 6)."}, FailedSTARTTLS, "wording"},
	{"disk space", Facts{Status: status.MustParse("4.4.5"), Diagnostic: "452 4.4.5 Insufficient disk space; try again later"}, SystemFull, "wording"},
	{"queue too long", Facts{Diagnostic: "Sorry, I wasn't able to establish an SMTP connection. I'm not going to try again; this message has been in the queue too long."}, Expired, "wording"},
	{"lookup failure", Facts{Status: status.MustParse("4.0.0"), Diagnostic: "Deferred: Name server: example.co.jp.: host name lookup failure"}, NetworkError, "wording"},
	{"network is down (ENETDOWN, Courier)", Facts{Status: status.MustParse("5.0.0"), Action: "failed", Diagnostic: "Network is down"}, NetworkError, "wording"},
	{"4.4.7 wins over the words of the last attempt", Facts{Status: status.MustParse("4.4.7"), Diagnostic: "Deferred: Connection refused by mx.example.jp. Message could not be delivered for 5 days"}, Expired, "code"},
	{"exchange 2003 finds no gateway: its queue gave up", Facts{Diagnostic: "Routing: Could not find a gateway for x@example.co.jp"}, Expired, "wording"},
	{"connection timed out", Facts{Diagnostic: "connect to mx.example.org[192.0.2.1]:25: Connection timed out"}, Expired, "wording"},
	{"system error", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "554 Service currently unavailable"}, SystemError, "wording"},
	{"postfix recipient refusal without a reason", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 <x@example.jp>: Recipient address rejected."}, UserUnknown, "wording"},

	// 7. Stage and action.
	{"refused at MAIL FROM", Facts{Status: status.MustParse("5.7.1"), Command: "MAIL", Diagnostic: "550 5.7.1 Access denied"}, Rejected, "stage"},
	{"refused at the greeting", Facts{Command: "CONN", Diagnostic: "550 Access denied...7d39d529..."}, Blocked, "stage"},
	{"delayed", Facts{Status: status.MustParse("4.4.0"), Action: "delayed", Diagnostic: "Action: Delayed"}, Expired, "stage"},
	{"the sending IP's reputation at MAIL FROM stays the host's", Facts{Status: status.MustParse("4.7.650"), Command: "MAIL", Diagnostic: "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP reputation. (S3113)"}, BadReputation, "wording"},
	{"a domain's reputation at MAIL FROM is the sender's", Facts{Command: "MAIL", Diagnostic: "550 5.7.1 Your domain has a poor reputation"}, Rejected, "wording"},
	{"reputation at MAIL FROM is a sender refusal", Facts{Status: status.MustParse("4.7.0"), Command: "MAIL", Diagnostic: "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred"}, Rejected, "provider"},

	// 8. Vague codes.
	{"5.7.1 alone", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550 5.7.1 Delivery refused"}, SecurityError, "vague"},
	{"5.4.2", Facts{Status: status.MustParse("5.4.2")}, NetworkError, "vague"},
	{"5.3.0", Facts{Status: status.MustParse("5.3.0"), Diagnostic: "554 5.3.0 error"}, SystemError, "vague"},
	{"5.1.x, any detail", Facts{Status: status.MustParse("5.1.20"), Diagnostic: "550 5.1.20 refused"}, UserUnknown, "vague"},
	{"5.2.x, any detail", Facts{Status: status.MustParse("5.2.9"), Diagnostic: "550 5.2.9 refused"}, Filtered, "vague"},

	// 9. Reply code.
	{"552 alone", Facts{Reply: 552, Diagnostic: "552 Requested mail action aborted"}, MailboxFull, "reply"},
	{"550 at RCPT", Facts{Reply: 550, Command: "RCPT", Diagnostic: "550 Requested action not taken"}, UserUnknown, "reply"},
	{"501", Facts{Reply: 501, Diagnostic: "501 Bad address"}, SyntaxError, "reply"},
	{"451 local error", Facts{Reply: 451, Diagnostic: "451 Requested action aborted"}, SystemError, "reply"},
	{"452 storage", Facts{Reply: 452, Diagnostic: "452 Requested action not taken"}, SystemFull, "reply"},
	{"555 parameters", Facts{Reply: 555, Diagnostic: "555 Parameters not recognised"}, SyntaxError, "reply"},

	// 10. Fallback.
	{"words that say nothing", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "554 Rejected"}, OnHold, "fallback"},
	{"nothing at all", Facts{Action: "failed"}, Undefined, "fallback"},

	// Near misses: words that must not decide.
	{"a suppressed warning is not a suppression list", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "550 5.1.1 user unknown; further warnings suppressed"}, UserUnknown, "wording"},
	{"the system's storage is not an inbox", Facts{Status: status.MustParse("4.3.1"), Diagnostic: "452 4.3.1 Insufficient system storage"}, SystemFull, "code"},
	{"spam in a host name", Facts{Status: status.MustParse("5.0.0"), Command: "RCPT", Reply: 550, Diagnostic: "550 mx.spamfilter.example.net: requested action not taken"}, UserUnknown, "reply"},
	{"spam inside a word", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "554 message refused by security policies - MCSpamSignature.sa.2.2"}, PolicyViolation, "wording"},
	{"blocklist in a help URL", Facts{Status: status.MustParse("5.7.1"), Diagnostic: "550 5.7.1 Message refused, see https://help.example.com/faq/blacklist-removal.html"}, SecurityError, "vague"},
	{"rbl inside a word", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 marble statue not found in catalogue"}, OnHold, "fallback"},
	{"reason word in a test address", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "550 <mailboxfull@example.net>: rejected"}, OnHold, "fallback"},
	{"sending quota is not a mailbox quota", Facts{Diagnostic: "554 Daily sending quota exceeded"}, RateLimited, "wording"},
	{"postfix's deferral is not a suspended account", Facts{Status: status.MustParse("4.4.1"), Diagnostic: "delivery temporarily suspended: connect to mx.example.org[192.0.2.1]:25: Connection timed out"}, Expired, "code"},
	{"gmail's boilerplate is not a recipient filter", Facts{Status: status.MustParse("5.1.1"), Diagnostic: "Google tried to deliver your message, but it was rejected by the recipient domain. 550 5.1.1 user unknown"}, UserUnknown, "wording"},
	{"antivirus is not a virus", Facts{Status: status.MustParse("5.0.0"), Diagnostic: "554 rejected by antivirus gateway"}, OnHold, "fallback"},
	{"an open relay is a blocked host, not relaying", Facts{Command: "MAIL", Diagnostic: "501 no access from mail server [192.0.2.55] which is an open relay."}, Blocked, "wording"},
	{"dns temporary host unknown", Facts{Status: status.MustParse("4.0.0"), Diagnostic: "DNS Error: DNS type 'mx' lookup of example.jp responded with code NXDOMAIN Domain name not found: example.jp"}, NetworkError, "wording"},
}

func TestClassify(t *testing.T) {
	for _, tc := range classifyTests {
		t.Run(tc.name, func(t *testing.T) {
			got := Classify(tc.f)
			if got.Reason != tc.want || got.Step != tc.step {
				t.Errorf("Classify(%+v) = %q by %q, want %q by %q", tc.f, got.Reason, got.Step, tc.want, tc.step)
			}
		})
	}
}

func TestBlocklistAndAuth(t *testing.T) {
	tests := []struct {
		text            string
		c               string
		blocklist, auth string
	}{
		{"554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org", "5.7.1", "spamhaus", ""},
		{"550 blocked using b.barracudacentral.org", "", "barracuda", ""},
		{"550 listed at cbl.abuseat.org", "", "cbl", ""},
		{"554 Blocked - see http://www.spamcop.net/bl.shtml?192.0.2.1", "", "spamcop", ""},
		{"550 rejected: listed in dnsbl.sorbs.net", "", "sorbs", ""},
		{"550 your IP is listed on UCEPROTECT Level 2", "", "uceprotect", ""},
		{"550 rejected, see https://www.spamrats.com/lookup.php?ip=192.0.2.1", "", "spamrats", ""},
		{"554 listed by bl.mailspike.net", "", "mailspike", ""},
		{"554 listed in psbl.surriel.com", "", "psbl", ""},
		{"550 mail from a host on our own blacklist", "", "", ""},
		{"554 5.7.1 Your message was rejected due to example.org's DMARC policy.", "5.7.1", "", "dmarc"},
		{"550 5.7.1 DKIM signature verification failed", "5.7.1", "", "dkim"},
		{"550 5.7.1 SPF check failed for 192.0.2.1", "5.7.1", "", "spf"},
		{"550 authentication checks (SPF or DKIM) failed", "5.7.26", "", "spf"},
		{"550 5.7.29 ARC validation failure", "5.7.29", "", "arc"},
		{"550 5.7.23 rejected", "5.7.23", "", "spf"},
		{"550 5.7.20 no passing signature", "5.7.20", "", "dkim"},
		{"421-4.7.32 the From: header isn't aligned with either the authenticated SPF or DKIM organizational domain", "4.7.32", "", "dmarc"},
		{"550 5.7.26 SPF alignment and DKIM alignment failed", "5.7.26", "", "spf"},
		{"554 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1", "", "proofpoint", ""},
	}
	for _, tc := range tests {
		f := Facts{Diagnostic: tc.text}
		if tc.c != "" {
			f.Status = status.MustParse(tc.c)
		}
		got := Classify(f)
		if got.Blocklist != tc.blocklist || got.Auth != tc.auth {
			t.Errorf("Classify(%q) blocklist, auth = %q, %q; want %q, %q", tc.text, got.Blocklist, got.Auth, tc.blocklist, tc.auth)
		}
	}
}

func TestAuthOnlyForAuthFailures(t *testing.T) {
	got := Classify(Facts{Status: status.MustParse("5.0.0"), Diagnostic: "Your email was rejected due to spam classification. Set up SPF records for your sending domain."})
	if got.Reason != SpamDetected || got.Auth != "" {
		t.Errorf("Classify(spam with SPF advice) = %q auth %q, want %q auth \"\"", got.Reason, got.Auth, SpamDetected)
	}
}

func TestConfident(t *testing.T) {
	tests := []struct {
		f    Facts
		want bool
	}{
		{Facts{Diagnostic: "550 user unknown", Command: "RCPT"}, true},
		{Facts{Status: status.MustParse("5.2.2")}, true},
		{Facts{Command: "MAIL", Diagnostic: "550 go away"}, false},
		{Facts{Status: status.MustParse("5.7.1")}, false},
		{Facts{Reply: 552}, false},
		{Facts{Diagnostic: "554 Rejected"}, false},
	}
	for _, tc := range tests {
		if got := Classify(tc.f).Confident; got != tc.want {
			t.Errorf("Classify(%+v).Confident = %v, want %v", tc.f, got, tc.want)
		}
	}
}

func TestInferStatus(t *testing.T) {
	tests := []struct {
		reason string
		cls    status.Class
		want   string
	}{
		{UserUnknown, status.ClassPermanent, "5.1.1"},
		{MailboxFull, status.ClassTemporary, "4.2.2"},
		{AuthFailure, status.ClassUnknown, "5.7.26"},
		{Expired, status.ClassTemporary, "4.4.7"},
		{Filtered, status.ClassPermanent, ""},
		{Blocked, status.ClassPermanent, ""},
		{OnHold, status.ClassTemporary, ""},
	}
	for _, tc := range tests {
		if got := InferStatus(tc.reason, tc.cls); got.String() != tc.want {
			t.Errorf("InferStatus(%q, %v) = %q, want %q", tc.reason, tc.cls, got, tc.want)
		}
	}
	// Never a code outside the registry, for any reason and class.
	for _, r := range Vocabulary {
		for _, cls := range []status.Class{status.ClassUnknown, status.ClassTemporary, status.ClassPermanent} {
			if c := InferStatus(r, cls); !c.IsZero() && !c.Registered() {
				t.Errorf("InferStatus(%q, %v) = %s, not in the IANA registry", r, cls, c)
			}
		}
	}
}

func TestPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"550 5.1.1 <a@example.org>: user unknown", "<>: user unknown"},
		{"see https://example.com/blocklist ok", "see ok"},
		{"host mx.spam.example.net said", "host said"},
		{"multiple 550-5.7.1 addresses", "multiple addresses"},
		{"e.g. this 5322 rfc", "e.g. this 5322 rfc"},
		{"(#5.4.4)", "()"},
	}
	for _, tc := range tests {
		if got := plain(tc.in); got != tc.want {
			t.Errorf("plain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTables: every phrase is lowercase and survives plain, or it could
// never match the text as Classify reads it; every rule names a known
// reason.
func TestTables(t *testing.T) {
	check := func(where, p string) {
		if p != strings.ToLower(p) {
			t.Errorf("%s phrase %q is not lowercase", where, p)
		}
		if p == "" || p == "|" || p == "||" {
			t.Errorf("%s has an empty phrase", where)
		}
	}
	for _, table := range [][]rule{decisive, secondary} {
		for _, r := range table {
			if !Known(r.reason) {
				t.Errorf("rule with unknown reason %q", r.reason)
			}
			for _, p := range r.phrases {
				check(r.reason, p)
				// Wording is read through plain: a phrase it would
				// blank out or fold could never match.
				if q := strings.Trim(p, "|"); plain(q) != q {
					t.Errorf("%s phrase %q reads %q through plain", r.reason, p, plain(q))
				}
			}
		}
	}
	for _, p := range providerCodes {
		if p.phrase != "" {
			check(p.provider, p.phrase)
		} else if p.from.IsZero() {
			t.Errorf("%s rule for %q has neither a token nor a code range", p.provider, p.reason)
		}
	}
	for _, b := range blocklists {
		check("blocklist "+b.name, b.phrase)
	}
}

func FuzzClassify(f *testing.F) {
	for _, tc := range classifyTests {
		f.Add(tc.f.Diagnostic, tc.f.Status.String(), int(tc.f.Reply), tc.f.Action, tc.f.Command)
	}
	f.Fuzz(func(t *testing.T, text, c string, reply int, action, command string) {
		fs := Facts{Diagnostic: text, Reply: status.ReplyCode(reply), Action: action, Command: command}
		fs.Status, _ = status.Parse(c)
		got := Classify(fs)
		if !Known(got.Reason) {
			t.Fatalf("Classify(%+v) = %q, not in the vocabulary", fs, got.Reason)
		}
		if again := Classify(fs); again != got {
			t.Fatalf("Classify(%+v) not deterministic: %+v then %+v", fs, got, again)
		}
		if got.Confident != confidentSteps[got.Step] {
			t.Fatalf("Classify(%+v): Confident %v for step %q", fs, got.Confident, got.Step)
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	facts := []Facts{
		{Status: status.MustParse("5.1.1"), Command: "RCPT", Diagnostic: "550 5.1.1 <jane.doe@customer-mail.example>: Recipient address rejected: User unknown in virtual mailbox table"},
		{Status: status.MustParse("5.7.1"), Diagnostic: "550-5.7.1 [192.0.2.22 18] Our system has detected that this message is 550-5.7.1 likely suspicious due to the very low reputation of the sending IP 550-5.7.1 address. To best protect our users from spam, the message has been 550-5.7.1 blocked. Please visit 550 5.7.1 https://support.google.com/mail/answer/188131 for more information."},
		{Status: status.MustParse("5.0.0"), Diagnostic: "554 Service currently unavailable"},
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, f := range facts {
			Classify(f)
		}
	}
}

// plain is appendPlain on a string, for the tables above.
func plain(lower string) string {
	return string(appendPlain(make([]byte, 0, len(lower)), []byte(lower)))
}
