package ketanmu

// The vocabulary every channel shares about a case: its stages, the roles of staff and how a
// finished document reaches the resident. The rules over them (which stage may follow which,
// who may move a case, which stages close it or stop its clock) live in package lifecycle.

// Stage is where a case is in its life. Its value is the stable key used in config, the
// database and the API; people read the configured name (texts opstage_<key>).
type Stage string

// The stages, in the order of a case's life.
const (
	StageSubmitted      Stage = "submitted"
	StageVerifying      Stage = "verifying"
	StageNeedsFix       Stage = "needs_fix"
	StageValidated      Stage = "validated"
	StageAwaitingFiles  Stage = "awaiting_files"
	StageFilesReceived  Stage = "files_received"
	StageInProduction   Stage = "in_production"
	StageSigning        Stage = "signing"
	StageSigned         Stage = "signed"
	StagePrinted        Stage = "printed"
	StageReadyForPickup Stage = "ready_for_pickup"
	StageShipped        Stage = "shipped"
	StageDelivered      Stage = "delivered"
	StageDone           Stage = "done"
	StageRejected       Stage = "rejected"
)

// Stages is every stage, in the order of a case's life.
var Stages = []Stage{StageSubmitted, StageVerifying, StageNeedsFix, StageValidated, StageAwaitingFiles, StageFilesReceived, StageInProduction,
	StageSigning, StageSigned, StagePrinted, StageReadyForPickup, StageShipped, StageDelivered, StageDone, StageRejected}

// Role is what a member of staff may do.
type Role string

// Roles of staff. A supervisor may do everything.
const (
	RoleOperator   Role = "operator"
	RoleValidator  Role = "validator"
	RoleProduksi   Role = "produksi"
	RoleKepala     Role = "kepala"
	RoleSupervisor Role = "supervisor"
	RolePengaduan  Role = "pengaduan"
)

// Roles is every role.
var Roles = []Role{RoleOperator, RoleValidator, RoleProduksi, RoleKepala, RoleSupervisor, RolePengaduan}

// Delivery is how the resident chose to receive a finished document.
type Delivery string

// Deliveries. None is a case without a document to hand over (NIK validation, complaints).
const (
	DeliveryNone   Delivery = ""
	DeliveryPickup Delivery = "pickup"
	DeliveryPost   Delivery = "post"
	// DeliveryElectronic is the signed PDF sent in the chat, printed by the resident: no post,
	// no counter.
	DeliveryElectronic Delivery = "elektronik"
)
