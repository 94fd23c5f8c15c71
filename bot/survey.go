package bot

import (
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/store"
)

// surveyEffect records an answer or the suggestion of the satisfaction survey, in the same
// transaction as the reply that asks the next question.
func surveyEffect(tx *store.Tx, eff flows.Effect) error {
	switch eff := eff.(type) {
	case flows.SurveyAnswer:
		return tx.SetSKMAnswer(eff.Number, eff.Element, eff.Score)
	case flows.SurveySuggestion:
		return tx.SetSKMSuggestion(eff.Number, eff.Text)
	}
	return nil
}
