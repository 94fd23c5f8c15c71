package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ketanmu/ketanmu/flows"
)

// Field is one piece of data a service variant asks for besides NIK and name (fields:). Its
// question is texts.ask_<key>, its label texts.field_<key>.
type Field struct {
	Kind      string   `mapstructure:"kind"`
	List      string   `mapstructure:"list"`
	Optional  bool     `mapstructure:"optional"`
	When      string   `mapstructure:"when"`
	Documents []string `mapstructure:"documents"`
	Instead   string   `mapstructure:"instead"`
	// Of names, for a desa field, the kecamatan field asked before it.
	Of string `mapstructure:"of"`
}

// flowField is the field as the flows take it.
func (f Field) flowField() flows.Field {
	return flows.Field{Kind: f.Kind, List: f.List, Optional: f.Optional, When: f.When, Documents: f.Documents, Instead: f.Instead, Of: f.Of}
}

// validateFields checks every field and every sub-type's use of them: a known kind, its list,
// its condition on an earlier yes/no field of the same variant, its documents and its texts.
func (c *Config) validateFields() error {
	for key, f := range c.Fields {
		if err := c.validateField(key, f); err != nil {
			return err
		}
	}
	for skey, s := range c.Services {
		for i, st := range s.Subtypes {
			at := fmt.Sprintf("services.%s.subtypes[%d].fields", skey, i)
			for j, key := range st.Fields {
				if err := c.validateFieldUse(skey, s, st, at, j, key); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// validateField checks one field on its own: a known kind, its list, its documents, its texts.
func (c *Config) validateField(key string, f Field) error {
	at := "fields." + key
	if !slices.Contains(flows.FieldKinds, f.Kind) {
		return &Error{at + ".kind", fmt.Sprintf("%q is not one of %s", f.Kind, strings.Join(flows.FieldKinds, ", "))}
	}
	if f.Kind == flows.KindChoice && len(c.Lists[f.List]) == 0 {
		return &Error{at + ".list", fmt.Sprintf("%q is not a list under lists", f.List)}
	}
	for _, d := range f.Documents {
		if _, ok := c.Documents[d]; !ok {
			return &Error{at + ".documents", fmt.Sprintf("unknown document %q", d)}
		}
	}
	for _, t := range []string{"ask_" + key, "field_" + key} {
		if c.Texts[t] == "" {
			return &Error{"texts." + t, "must not be empty: field " + key + " needs it"}
		}
	}
	return nil
}

// validateFieldUse checks the j-th field (key) of sub-type st of service skey against what is
// asked before it: its sub-type switch, the kecamatan a desa belongs to, its yes/no condition.
func (c *Config) validateFieldUse(skey string, s Service, st Subtype, at string, j int, key string) error {
	f, ok := c.Fields[key]
	if !ok {
		return &Error{at, fmt.Sprintf("unknown field %q", key)}
	}
	if v, sub, ok := strings.Cut(f.Instead, "="); f.Instead != "" && (!ok || (v != "ya" && v != "tidak") ||
		!slices.ContainsFunc(s.Subtypes, func(o Subtype) bool { return o.Key == sub && o.Key != st.Key })) {
		return &Error{"fields." + key + ".instead", fmt.Sprintf("%q must be ya=<sub-type> or tidak=<sub-type>, another sub-type of %s", f.Instead, skey)}
	}
	if f.Kind == flows.KindDesa && (!slices.Contains(st.Fields[:j], f.Of) || c.Fields[f.Of].Kind != flows.KindKecamatan) {
		return &Error{"fields." + key + ".of", fmt.Sprintf("%q must name a kecamatan field asked before it in %s", f.Of, at)}
	}
	if f.When == "" {
		return nil
	}
	other, value, _ := strings.Cut(f.When, "=")
	if !slices.Contains(st.Fields[:j], other) || c.Fields[other].Kind != flows.KindYesNo || (value != "ya" && value != "tidak") {
		return &Error{"fields." + key + ".when", fmt.Sprintf("%q must name a yes/no field asked before it in %s, as other=ya or other=tidak", f.When, at)}
	}
	return nil
}
