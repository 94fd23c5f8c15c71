package flows

import (
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
)

// Options is what the flows know of the office: its numbers, services, documents, texts and
// limits. The config package builds it; the flows never read files or the environment.
type Options struct {
	Office    Office
	Accounts  []Account
	Services  map[string]Service
	Documents map[string]Document
	// MenuOrder lists the service keys in the order menus show them.
	MenuOrder []string
	Texts     ketanmu.Texts
	// Lists are the numbered choices residents pick from (validasi_reasons, complaint_categories).
	Lists    map[string][]string
	Keywords map[string][]string
	// Fields are the data sub-types ask for besides NIK and name, by key.
	Fields   map[string]Field
	Calendar *sla.Calendar

	MaxMediaBytes  int64
	MinImageWidth  int
	MinImageHeight int
	// IdleTimeout pauses an application left unfinished this long.
	IdleTimeout time.Duration
	// RetentionText says how long personal data is kept, in the privacy notice.
	RetentionText string
	// Survey are the satisfaction survey's elements U1..U9 (flows/survey.go).
	Survey []SurveyElement
}

// Office is the office as residents are told about it.
type Office struct {
	Name, ShortName, Address string
	// RegencyCode is the Kemendagri code of the regency (kecamatan checks).
	RegencyCode   string
	PickupCounter string
	// Hours are the weekly windows per day key (mon…sun), e.g. "08:00-15:00".
	Hours map[string]string
	// ServiceHours are one desk's weekly windows where they differ from Hours, by key
	// (perekaman, pengambilan).
	ServiceHours map[string]map[string]string
	// PostalPrefixes are how the regency's postal codes start ("613"); empty takes any.
	PostalPrefixes []string
	// PostalCodes are the usual postal code of each kecamatan, by its official name lower-cased.
	PostalCodes map[string]string
	// Fees are what the resident pays, as texts say it, by key (office.fees): {fee_<key>}.
	Fees map[string]string
}

// Account is one WhatsApp number and the services its menu offers.
type Account struct {
	Key      string
	Phone    string
	Services []string
}

// Service is one civil-registration service.
type Service struct {
	Name     string
	Subtypes []Subtype
	// Documents are the requirements of a service without sub-types; an entry "a|b" is met by
	// either document, the first asked for first.
	Documents []string
	// ReasonDocuments replace Documents for a Validasi NIK reason (a school: the KK only).
	ReasonDocuments map[string][]string
	// Profile is the service's workflow: its stage deadlines make the promised completion date.
	Profile lifecycle.Profile
	// Output is what is handed over: OutputTTE (may go as a PDF in the chat) or OutputCard.
	Output string
}

// Outputs of a service.
const (
	OutputTTE  = "tte"
	OutputCard = "card"
)

// Subtype is a variant of a service with its own required documents.
type Subtype struct {
	Key, Name string
	Documents []string // as Service.Documents
	// Visit, when set, says that this variant needs a visit to the office, and why.
	Visit string
	// Match are patterns of free text that name this variant ("ktp|ektp hilang|ilang").
	Match []string
	// Fields are the keys of Options.Fields this variant asks for, in order.
	Fields []string
	// Age is who may apply, by the birth date in the applicant's NIK.
	Age AgeRule
	// Output overrides the service's ("" keeps it).
	Output string
}

// Document is a kind of document residents photograph.
type Document struct {
	Name    string
	Aliases []string
	// Note says how to get the document, for one sent in place of another (an SPTJM form).
	Note string
}
