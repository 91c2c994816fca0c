import '../../server/ui/base.css';
import './province.css';
import { render } from 'preact';
import { ProvinceApp } from './province-app';

const host = document.getElementById('app');
if (!host) throw new Error('the page has no #app element');
render(<ProvinceApp />, host);
